"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { endAllSessions } from "@/lib/auth/account";
import { newPasswordSchema } from "@/lib/auth/password";
import { roles } from "@/lib/auth/policy";
import { createUser, grantRole, revokeGrant, setUserDisabled } from "@/lib/auth/users";

const scope = z
  .string()
  .optional()
  .transform((v) => (v ? v : null));

export const createUserAction = defineAction({
  input: z.object({
    email: z.email("enter a valid email address"),
    name: z.string().trim().max(200).optional(),
    password: newPasswordSchema,
    role: z.enum(roles),
    environmentId: scope,
  }),
  permission: "user.manage",
  async run(input, { prisma, actor, ip }) {
    await createUser(prisma, { actor, ip }, { ...input, grants: [{ role: input.role, environmentId: input.environmentId }] });
    revalidatePath("/settings/users");
    return { message: `Created ${input.email}.` };
  },
});

export const grantRoleAction = defineAction({
  input: z.object({ userId: z.string().min(1), role: z.enum(roles), environmentId: scope }),
  permission: "user.manage",
  async run(input, { prisma, actor, ip }) {
    await grantRole(prisma, { actor, ip }, input.userId, input.role, input.environmentId);
    revalidatePath("/settings/users");
    return { message: "Role granted." };
  },
});

export const revokeGrantAction = defineAction({
  input: z.object({ grantId: z.string().min(1) }),
  permission: "user.manage",
  async run(input, { prisma, actor, ip }) {
    await revokeGrant(prisma, { actor, ip }, input.grantId);
    revalidatePath("/settings/users");
    return { message: "Role revoked." };
  },
});

export const setDisabledAction = defineAction({
  input: z.object({ userId: z.string().min(1), disabled: z.enum(["true", "false"]).transform((v) => v === "true") }),
  permission: "user.manage",
  async run(input, { prisma, actor, ip }) {
    await setUserDisabled(prisma, { actor, ip }, input.userId, input.disabled);
    revalidatePath("/settings/users");
    return { message: input.disabled ? "Account disabled." : "Account enabled." };
  },
});

export const endSessionsAction = defineAction({
  input: z.object({ userId: z.string().min(1) }),
  permission: "user.manage",
  async run(input, { prisma, actor, ip }) {
    await endAllSessions(prisma, { actor, ip }, input.userId);
    revalidatePath("/settings/users");
    return { message: "Signed out everywhere." };
  },
});
