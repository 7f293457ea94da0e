"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { decide } from "@/lib/auth/policy";
import { currentTokenSettings } from "@/lib/auth/token-settings";
import { tokenScopes } from "@/lib/auth/token-scopes";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";

// checkboxes: absent when none is ticked, a string for one, an array for several
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item));

export const createTokenAction = defineAction({
  input: z.object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.coerce.number({ error: "choose how many days the token lasts" }).int().min(1, { error: "at least 1 day" }),
    scopes: list(z.enum(tokenScopes)).pipe(z.array(z.enum(tokenScopes)).min(1, { error: "choose at least one scope" })),
    environments: list(z.string().min(1).max(64)),
  }),
  permission: "token.manage",
  async run(input, { prisma, principal, actor, ip }) {
    const t = await createApiToken(prisma, { actor, ip }, principal.id, input, await currentTokenSettings());
    revalidatePath("/account/tokens");
    return { message: `Token created (expires ${t.expiresAt.toISOString().slice(0, 10)}). Copy it now, it is not shown again: ${t.token}` };
  },
});

export const revokeTokenAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  // the owner may revoke their own token; an admin (user.manage) anyone's, checked in revokeApiToken
  permission: "token.manage",
  async run(input, { prisma, principal, actor, ip }) {
    await revokeApiToken(prisma, { actor, ip }, input.id, { userId: principal.id, mayRevokeAny: decide(principal.grants, "user.manage").allowed });
    revalidatePath("/account/tokens");
    return { message: "Token revoked." };
  },
});
