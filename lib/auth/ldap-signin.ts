import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { isSystemActorName } from "@/lib/audit/system-actors";
import type { LdapConfig } from "./identity-config";
import { authenticateLdap, LDAP_DENIED, type LdapIdentity } from "./ldap";
import { MAX_PASSWORD_LENGTH } from "./password";
import { beginAttempt, recordFailure, recordSuccess, releaseAttempt, throttledMessage } from "./throttle";
import { RESERVED_NAME } from "./users";

const credentials = z.object({ username: z.string().trim().min(1).max(256), password: z.string().max(MAX_PASSWORD_LENGTH) });

const LDAP_NOT_CONFIGURED = "Directory sign-in is not configured.";

/**
 * The LDAP sign-in form's check (next-auth provider "ldap", ./options.ts): throttled like password
 * sign-in, audited with via: ldap, and on success the account is created or refreshed just in time
 * from the directory (email, name, groups), so roles from groups follow the directory at every sign-in.
 * Throws the sentence the form shows.
 */
export async function signInWithLdap(prisma: PrismaClient, cfg: LdapConfig | undefined, raw: unknown, ip: string | null, authenticate = authenticateLdap) {
  if (!cfg) throw new Error(LDAP_NOT_CONFIGURED);
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) throw new Error(LDAP_DENIED);
  const { username, password } = parsed.data;
  // Throttled per directory name (not email: the email is only known once the password is right).
  const throttleKey = `ldap:${username.toLowerCase()}`;
  const audit = (outcome: "success" | "failure" | "denied", detail: Record<string, unknown>, actor: { id?: string; email?: string } = {}) =>
    writeAudit(prisma, { actor: { id: actor.id ?? null, email: actor.email ?? null }, action: "auth.signin", outcome, sourceIp: ip, detail: { via: "ldap", username, ...detail } });

  const attempt = await beginAttempt(prisma, throttleKey, ip);
  if (!attempt.allowed) {
    await audit("denied", { reason: "throttled", until: attempt.until });
    throw new Error(throttledMessage(attempt.until));
  }

  const outcome = await authenticate(cfg, username, password);
  if (!outcome.ok && outcome.kind === "unavailable") {
    // The operator's problem, not the person's: the log and the audit row carry the cause.
    console.warn(`[dockmaster] LDAP sign-in: ${outcome.message}`);
    await releaseAttempt(prisma, throttleKey, ip);
    await audit("failure", { reason: "directory unavailable", error: outcome.message });
    throw new Error(outcome.message);
  }
  if (!outcome.ok) {
    await recordFailure(prisma, throttleKey, ip);
    await audit("failure", { reason: outcome.reason });
    throw new Error(LDAP_DENIED);
  }

  const user = await upsertDirectoryAccount(prisma, outcome.identity);
  if ("reason" in user) {
    await recordFailure(prisma, throttleKey, ip);
    await audit("failure", { reason: user.reason }, { id: user.id, email: outcome.identity.email });
    throw new Error(LDAP_DENIED);
  }
  await recordSuccess(prisma, throttleKey, ip);
  await audit("success", { groups: user.groups }, { id: user.id, email: user.email });
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}

/**
 * Just-in-time account: created at the first sign-in, email/name/groups replaced at every sign-in
 * (a group gone from the directory takes its roles with it). A local account with the same email
 * is not taken over: the directory would otherwise become a way into a password account. A directory
 * entry whose mail is a reserved system name ("system:…") gets no account at all.
 */
async function upsertDirectoryAccount(prisma: PrismaClient, who: LdapIdentity) {
  if (isSystemActorName(who.email)) return { id: undefined, reason: RESERVED_NAME };
  const existing = await prisma.user.findUnique({ where: { email: who.email } });
  if (existing && existing.authSource !== "ldap") return { id: existing.id, reason: `email belongs to a ${existing.authSource} account` };
  if (existing?.disabled) return { id: existing.id, reason: "account disabled" };
  const data = { name: who.name, groups: who.groups };
  return existing
    ? prisma.user.update({ where: { id: existing.id }, data })
    : prisma.user.create({ data: { ...data, email: who.email, authSource: "ldap", passwordHash: "" } });
}
