"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";

export const createTokenAction = defineAction({
  input: z.object({ name: z.string().trim().min(1).max(100), expiresInDays: z.coerce.number().int().min(1).max(3650).optional().catch(undefined) }),
  permission: "token.manage",
  async run(input, { prisma, principal, actor, ip }) {
    const t = await createApiToken(prisma, { actor, ip }, principal.id, input.name, input.expiresInDays);
    revalidatePath("/account/tokens");
    return { message: `Token created. Copy it now, it is not shown again: ${t.token}`};
  },
});

export const revokeTokenAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "token.manage",
  async run(input, { prisma, principal, actor, ip }) {
    await revokeApiToken(prisma, { actor, ip }, input.id, principal.id);
    revalidatePath("/account/tokens");
    return { message: "Token revoked." };
  },
});
