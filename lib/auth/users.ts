import { FieldError, InvalidInputError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { isSystemActorName } from "@/lib/audit/system-actors";
import { groupGrants } from "./group-access";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./password";
import type { Grant, Role } from "./policy";

/** Who did it and from where: passed to every mutating service so it can write the audit row. */
export interface ActorContext {
  actor: { id: string | null; email: string | null } | null;
  ip: string | null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Why an account cannot be named "system:…" (lib/audit/system-actors.ts): audit rows with that name are Dockmaster's own. */
export const RESERVED_NAME = 'names starting with "system:" are reserved for Dockmaster\'s own actors';

export async function createUser(
  prisma: PrismaClient,
  ctx: ActorContext,
  input: { email: string; name?: string | null; password: string; grants: { role: Role; environmentId: string | null }[] },
) {
  const email = normalizeEmail(input.email);
  if (isSystemActorName(email)) throw new FieldError("email", RESERVED_NAME);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new FieldError("password", `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (await prisma.user.findUnique({ where: { email } })) throw new FieldError("email", `a user with email ${email} already exists`);
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email, name: input.name ?? null, passwordHash, grants: { create: input.grants } },
    });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "user.create",
      target: { type: "user", id: email },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { grants: input.grants },
    });
    return user;
  });
}

export async function grantRole(prisma: PrismaClient, ctx: ActorContext, userId: string, role: Role, environmentId: string | null) {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
    const existing = await tx.roleGrant.findFirst({ where: { userId, role, environmentId } });
    if (existing) return existing;
    const grant = await tx.roleGrant.create({ data: { userId, role, environmentId } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "user.grant",
      target: { type: "user", id: user.email },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { role, environmentId },
    });
    return grant;
  });
}

export async function revokeGrant(prisma: PrismaClient, ctx: ActorContext, grantId: string) {
  return prisma.$transaction(async (tx) => {
    const grant = await tx.roleGrant.findUniqueOrThrow({ where: { id: grantId }, include: { user: true } });
    if (grant.role === "admin" && grant.environmentId === null) {
      const admins = await tx.roleGrant.count({ where: { role: "admin", environmentId: null, user: { disabled: false } } });
      if (admins <= 1) throw new InvalidInputError("cannot remove the last administrator");
    }
    await tx.roleGrant.delete({ where: { id: grantId } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "user.revoke",
      target: { type: "user", id: grant.user.email },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { role: grant.role, environmentId: grant.environmentId },
    });
  });
}

export async function setUserDisabled(prisma: PrismaClient, ctx: ActorContext, userId: string, disabled: boolean) {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: { grants: true } });
    if (disabled && user.id === ctx.actor?.id) throw new InvalidInputError("you cannot disable your own account");
    // Disabling also ends the account's sessions, so enabling it later does not revive old cookies.
    await tx.user.update({ where: { id: userId }, data: disabled ? { disabled, sessionVersion: { increment: 1 } } : { disabled } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: disabled ? "user.disable" : "user.enable",
      target: { type: "user", id: user.email },
      outcome: "success",
      sourceIp: ctx.ip,
    });
  });
}

/**
 * Every account with its stored grants and, read-only, the grants its directory groups earn under
 * the running `access:` rules (groupGrants: what every request computes too).
 */
export async function listUsers(prisma: PrismaClient) {
  const users = await prisma.user.findMany({
    orderBy: { email: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      disabled: true,
      authSource: true,
      groups: true,
      createdAt: true,
      lastSignInAt: true,
      grants: { select: { id: true, role: true, environment: { select: { id: true, name: true } } } },
    },
  });
  return users.map((u) => ({ ...u, groupGrants: groupGrants(u.groups) }));
}

type LoadedGrants = { email: string; name: string | null; grants: Grant[] };

async function readAccount(prisma: PrismaClient, userId: string): Promise<{ loaded: LoadedGrants; sessionVersion: number } | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { email: true, name: true, disabled: true, sessionVersion: true, groups: true, grants: { select: { role: true, environment: { select: { name: true } } } } },
  });
  // an account named like a system actor (made by hand in the database, or by a directory) never acts:
  // neither its session nor its API tokens become a principal
  if (!user || user.disabled || isSystemActorName(user.email)) return null;
  const grants = [...user.grants.map((g) => ({ role: g.role, environment: g.environment?.name ?? null })), ...groupGrants(user.groups)];
  return { loaded: { email: user.email, name: user.name, grants }, sessionVersion: user.sessionVersion };
}

/** The caller's grants as the policy sees them; null for an unknown or disabled account. */
export async function loadGrants(prisma: PrismaClient, userId: string): Promise<LoadedGrants | null> {
  return (await readAccount(prisma, userId))?.loaded ?? null;
}

/**
 * The same for a browser session: null also when the session was issued before the account's
 * sessions were last ended (its version is behind), which is how sign-out, disabling, "sign out
 * everywhere" and a password change take effect at once although JWT cookies live on.
 */
export async function loadSessionGrants(prisma: PrismaClient, userId: string, sessionVersion: number): Promise<LoadedGrants | null> {
  const account = await readAccount(prisma, userId);
  return account && account.sessionVersion === sessionVersion ? account.loaded : null;
}
