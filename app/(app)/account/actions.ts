"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { changePassword } from "@/lib/auth/account";
import { defineAction } from "@/lib/auth/action";
import { MAX_PASSWORD_LENGTH, newPasswordSchema } from "@/lib/auth/password";
import { setUserTimeZone } from "@/lib/auth/time-zone";
import { isValidTimeZone } from "@/lib/time-format";

export const changePasswordAction = defineAction({
  input: z
    .object({
      current: z.string().min(1, "enter your current password").max(MAX_PASSWORD_LENGTH),
      password: newPasswordSchema,
      confirm: z.string(),
    })
    .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "passwords do not match" })
    .refine((v) => v.password !== v.current, { path: ["password"], message: "choose a password other than the current one" }),
  permission: "account.manage",
  async run(input, { prisma, principal, actor, ip }) {
    await changePassword(prisma, { actor, ip }, principal.id, input);
    // Every session of the account has ended, this one too: the form signs the browser out.
    return { message: "Password changed. Sign in again with the new password." };
  },
});

export const setTimeZoneAction = defineAction({
  input: z.object({
    // "" = follow the browser
    timeZone: z
      .string()
      .trim()
      .refine((v) => v === "" || isValidTimeZone(v), "unknown time zone: choose one from the list"),
  }),
  permission: "account.manage",
  async run(input, { prisma, principal, actor, ip }) {
    await setUserTimeZone(prisma, { actor, ip }, principal.id, input.timeZone || null);
    // every page's times change: render the layout (which holds the zone) again
    revalidatePath("/", "layout");
    return { message: input.timeZone ? `Times are now shown in ${input.timeZone}.` : "Times now follow this browser's time zone." };
  },
});
