import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import type { Principal } from "./enforce";
import { InvalidInputError } from "@/lib/errors";
import { loadGrants, type ActorContext } from "./users";

const PREFIX = "dm_";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Returns the token once; only its hash is stored. */
export async function createApiToken(prisma: PrismaClient, ctx: ActorContext, userId: string, name: string, expiresInDays?: number) {
  const secret = randomBytes(24).toString("base64url");
  const token = `${PREFIX}${secret}`;
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name,
        userId,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
      },
    });
    await writeAudit(tx, { actor: ctx.actor, action: "token.create", target: { type: "token", id: created.id }, outcome: "success", sourceIp: ctx.ip, detail: { name, expiresInDays: expiresInDays ?? null } });
    return created;
  });
  return { token, id: row.id, prefix: row.prefix };
}

export async function revokeApiToken(prisma: PrismaClient, ctx: ActorContext, tokenId: string, ownerId: string | null) {
  await prisma.$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id: tokenId } });
    if (!t || (ownerId && t.userId !== ownerId)) throw new InvalidInputError("no such token");
    await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
    await writeAudit(tx, { actor: ctx.actor, action: "token.revoke", target: { type: "token", id: tokenId }, outcome: "success", sourceIp: ctx.ip, detail: { name: t.name } });
  });
}

export async function listApiTokens(prisma: PrismaClient, userId: string) {
  return prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } });
}

/** The principal a bearer token stands for, or null if it is unknown, revoked, expired or its user disabled. */
export async function principalFromToken(prisma: PrismaClient, raw: string, ip: string | null): Promise<Principal | null> {
  if (!raw.startsWith(PREFIX)) return null;
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(raw) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  const user = await loadGrants(prisma, row.userId);
  if (!user) return null;
  await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return { id: row.userId, ...user, ip, viaToken: row.name };
}
