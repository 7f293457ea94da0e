"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { scopeTargetOf, subjectOf } from "@/lib/exceptions/apply";
import { currentExceptionSettings } from "@/lib/exceptions/default-settings";
import { exceptionFields } from "@/lib/exceptions/fields";
import { createException, revokeException } from "@/lib/exceptions/service";
import { currentTimeZone } from "@/lib/auth/time-zone";
import { formatDateTime } from "@/lib/time-format";

/** Only a page of this app may be returned to after saving (never an address from elsewhere). */
const returnTo = z.preprocess((v) => (typeof v === "string" && /^\/scans(\/|\?|$)/.test(v) ? v : undefined), z.string().optional());

export const createExceptionAction = defineAction({
  input: z.intersection(exceptionFields, z.object({ returnTo })),
  // the approver role is needed in every environment the exception reaches: only the service knows them
  permission: "checked-by-service",
  async run({ returnTo, ...fields }, { prisma, principal }) {
    // the page to go back to is navigation, not part of the exception
    const row = await createException(prisma, principal, fields, await currentExceptionSettings());
    revalidatePath("/exceptions");
    revalidatePath("/scans");
    if (returnTo) redirect(returnTo);
    return { message: `Accepted ${subjectOf(row)} for ${scopeTargetOf(row)} until ${formatDateTime(row.expiresAt, (await currentTimeZone()).zone)}.` };
  },
});

export const revokeExceptionAction = defineAction({
  input: z.object({ id: z.string().min(1).max(64) }),
  permission: "checked-by-service",
  async run(input, { prisma, principal }) {
    const row = await revokeException(prisma, principal, input.id);
    revalidatePath("/exceptions");
    revalidatePath("/scans");
    return { message: `Revoked the exception for ${subjectOf(row)} (${scopeTargetOf(row)}).` };
  },
});
