/**
 * What an OpenID Provider's claims do to the account database: the just-in-time account, its email
 * and groups refreshed at each sign-in, and the audit row either way. Knows nothing of next-auth.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { isSystemActorName } from "@/lib/audit/system-actors";
import { normalizeEmail, RESERVED_NAME } from "./users";

export type Claims = Record<string, unknown>;

/** Refused sign-in: `message` is what the sign-in page shows, `reason` what the audit row records. */
export class OidcSignInRefused extends Error {
  constructor(message: string, readonly reason: string) {
    super(message);
  }
}

/** The groups claim as a list: providers send an array, some a single string. */
export function groupsFrom(claims: Claims, groupsClaim: string): string[] | undefined {
  const v = claims[groupsClaim];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === "string" && g.length > 0);
  return undefined;
}

/**
 * The ID token's claims merged with userinfo's: userinfo wins where both speak (it is fetched now,
 * with the access token, so it is at least as fresh), and groups come from whichever carries them.
 */
export function mergeClaims(idToken: Claims, userinfo: Claims | undefined): Claims {
  return { ...idToken, ...(userinfo ?? {}) };
}

/**
 * The account for these claims, created on first sign-in with no usable password (authSource oidc);
 * an existing account with the same email is the same person (email is how accounts are named).
 * Throws OidcSignInRefused (after writing the failure row) when the claims cannot sign anyone in.
 */
export async function signInWithOidcClaims(prisma: PrismaClient, claims: Claims, groupsClaim: string, ip: string | null) {
  const rawEmail = typeof claims.email === "string" ? claims.email : "";
  const email = rawEmail ? normalizeEmail(rawEmail) : null;
  const refuse = async (message: string, reason: string, userId: string | null = null): Promise<never> => {
    await writeAudit(prisma, { actor: { id: userId, email }, action: "auth.signin", outcome: "failure", sourceIp: ip, detail: { method: "oidc", reason, sub: claims.sub ?? null } });
    throw new OidcSignInRefused(message, reason);
  };
  if (!email) return refuse("The identity provider sent no email address: add the email scope for this client.", "no email claim");
  // An unverified address could name someone else's account.
  if (isSystemActorName(email)) return refuse(`The identity provider sent ${email}: ${RESERVED_NAME}.`, "reserved system name");
  if (claims.email_verified === false) return refuse(`The identity provider has not verified ${email}.`, "email not verified");
  const groups = groupsFrom(claims, groupsClaim) ?? [];
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim() : null;

  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing?.disabled) return refuse("This account is disabled.", "account disabled", existing.id);
  // upsert: two first sign-ins of one person at once (two tabs) must not collide on the email.
  const user = await prisma.user.upsert({
    where: { email },
    update: { groups, ...(name ? { name } : {}) },
    // passwordHash "" never verifies (lib/auth/password.ts): the account has no password to guess.
    create: { email, name, passwordHash: "", authSource: "oidc", groups },
  });
  await writeAudit(prisma, {
    actor: { id: user.id, email },
    action: "auth.signin",
    outcome: "success",
    sourceIp: ip,
    detail: { method: "oidc", created: !existing, groups },
  });
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}

/** Userinfo re-read during a session: the groups follow the provider; no audit row (nothing was done by anyone). */
export async function refreshGroups(prisma: PrismaClient, userId: string, claims: Claims, groupsClaim: string): Promise<void> {
  const groups = groupsFrom(claims, groupsClaim);
  if (groups) await prisma.user.update({ where: { id: userId }, data: { groups } });
}
