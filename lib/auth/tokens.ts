import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError, NotFoundError } from "@/lib/errors";
import type { Principal } from "./enforce";
import type { TokenSettings } from "./config-schema";
import { isTokenScope, legacyScopes, tokenScopes, type TokenLimit, type TokenScope } from "./token-scopes";
import { loadGrants, type ActorContext } from "./users";

const PREFIX = "dm_";
const DAY_MS = 86_400_000;
/** lastUsedAt/lastUsedFrom are written at most this often per token: a busy pipeline must not turn every read into a write. */
const LAST_USED_EVERY_MS = 60_000;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface NewToken {
  name: string;
  scopes: readonly string[];
  /** empty: every environment the owner's roles reach */
  environments?: readonly string[];
  /** required: a token without an end lives as long as its leak */
  expiresInDays: number | undefined;
}

async function validNewToken(prisma: PrismaClient, input: NewToken, settings: TokenSettings) {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new InvalidInputError("name: 1 to 100 characters");
  const days = input.expiresInDays;
  if (days === undefined || !Number.isInteger(days) || days < 1) throw new InvalidInputError("expiry: choose how many days the token lasts (a whole number, at least 1)");
  if (days > settings.maxDays) throw new InvalidInputError(`expiry: at most ${settings.maxDays} days (auth.tokens.maxDays in dockmaster.yaml)`);
  const unknown = input.scopes.filter((s) => !isTokenScope(s));
  if (unknown.length > 0) throw new InvalidInputError(`scopes: unknown ${unknown.join(", ")}; use ${tokenScopes.join(", ")}`);
  const scopes = tokenScopes.filter((s) => input.scopes.includes(s));
  if (scopes.length === 0) throw new InvalidInputError(`scopes: choose at least one of ${tokenScopes.join(", ")}`);
  const environments = [...new Set(input.environments ?? [])];
  if (environments.length > 0) {
    const known = new Set((await prisma.environment.findMany({ where: { name: { in: environments } }, select: { name: true } })).map((e) => e.name));
    const missing = environments.filter((e) => !known.has(e));
    if (missing.length > 0) throw new InvalidInputError(`environments: no environment named ${missing.join(", ")}`);
  }
  return { name, days, scopes, environments };
}

/** Returns the token once; only its hash is stored. */
export async function createApiToken(prisma: PrismaClient, ctx: ActorContext, userId: string, input: NewToken, settings: TokenSettings) {
  const t = await validNewToken(prisma, input, settings);
  const secret = randomBytes(24).toString("base64url");
  const token = `${PREFIX}${secret}`;
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { name: t.name, userId, tokenHash: hashToken(token), prefix: token.slice(0, 10), expiresAt: new Date(Date.now() + t.days * DAY_MS), scopes: t.scopes, environments: t.environments },
    });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "token.create",
      target: { type: "token", id: created.id },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { name: t.name, expiresInDays: t.days, scopes: t.scopes, environments: t.environments },
    });
    return created;
  });
  return { token, id: row.id, prefix: row.prefix, expiresAt: row.expiresAt! };
}

/**
 * Revokes a token: its owner may, and so may whoever may manage users (`mayRevokeAny`, an admin).
 * Anyone else is told there is no such token, so token ids of other people are not confirmed.
 */
export async function revokeApiToken(prisma: PrismaClient, ctx: ActorContext, tokenId: string, by: { userId: string; mayRevokeAny: boolean }) {
  await prisma.$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id: tokenId } });
    if (!t || (t.userId !== by.userId && !by.mayRevokeAny)) throw new NotFoundError("no such token");
    if (t.revokedAt) throw new InvalidInputError(`token "${t.name}" is already revoked`);
    await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date(), revokedById: by.userId } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "token.revoke",
      target: { type: "token", id: tokenId },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { name: t.name, ownerId: t.userId, byAdmin: t.userId !== by.userId },
    });
  });
}

const listed = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, lastUsedFrom: true, expiresAt: true, revokedAt: true, scopes: true, environments: true } as const;

export async function listApiTokens(prisma: PrismaClient, userId: string) {
  return prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: listed });
}

/** For admins: every token that still works, whoever owns it, so a leaked one can be revoked. */
export async function listActiveTokensOfAll(prisma: PrismaClient) {
  const rows = await prisma.apiToken.findMany({ where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }, orderBy: { createdAt: "desc" }, select: { ...listed, userId: true } });
  const owners = new Map((await prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  return rows.map((r) => ({ ...r, ownerEmail: owners.get(r.userId) ?? "(deleted user)" }));
}

/** A token's scopes as stored: an empty list is a token from before scopes (see legacyScopes). */
export function tokenLimitOf(row: { scopes: readonly string[]; environments: readonly string[] }): TokenLimit & { legacy: boolean } {
  const legacy = row.scopes.length === 0;
  const scopes: TokenScope[] = legacy ? [...legacyScopes] : row.scopes.filter(isTokenScope);
  return { scopes, environments: row.environments.length > 0 ? [...row.environments] : null, legacy };
}

/** `unknown`: no such token at all (the events endpoint then tries the value as the registry's own secret). */
export type TokenResult = { ok: true; principal: Principal } | { ok: false; message: string; unknown?: true };

/** The principal a bearer token stands for, its grants narrowed by the token, or why it does not work (a 401). */
export async function principalFromToken(prisma: PrismaClient, raw: string, ip: string | null, now = new Date()): Promise<TokenResult> {
  if (!raw.startsWith(PREFIX)) return { ok: false, message: "The API token is not a Dockmaster token (they start with dm_).", unknown: true };
  const row = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(raw) } });
  if (!row) return { ok: false, message: "The API token is unknown.", unknown: true };
  if (row.revokedAt) return { ok: false, message: `The API token "${row.name}" was revoked on ${row.revokedAt.toISOString()}.` };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, message: `The API token "${row.name}" expired on ${row.expiresAt.toISOString()}: create a new one under Account → API tokens.` };
  const user = await loadGrants(prisma, row.userId);
  if (!user) return { ok: false, message: "The API token's account is disabled or deleted." };
  await touchLastUsed(prisma, row, ip, now);
  const { legacy: _legacy, ...limit } = tokenLimitOf(row);
  return { ok: true, principal: { id: row.userId, ...user, grants: user.grants.map((g) => ({ ...g, limit })), ip, viaToken: row.name, tokenLimit: limit } };
}

/**
 * At most once a minute per token, whatever the address: the in-memory check skips the query on a busy
 * token, and the conditional update keeps replicas racing on one token to a single write.
 */
async function touchLastUsed(prisma: PrismaClient, row: { id: string; lastUsedAt: Date | null }, ip: string | null, now: Date) {
  const due = new Date(now.getTime() - LAST_USED_EVERY_MS);
  if (row.lastUsedAt && row.lastUsedAt > due) return;
  await prisma.apiToken.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: due } }] }, data: { lastUsedAt: now, lastUsedFrom: ip } });
}
