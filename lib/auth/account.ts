import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./password";
import { beginAttempt, recordFailure, recordSuccess, throttledMessage } from "./throttle";
import { InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "./users";

/**
 * Ending sessions: every session JWT carries the user's sessionVersion from sign-in, and
 * currentPrincipal accepts it only while it still matches (loadSessionGrants). Bumping the version
 * ends all of that user's browser sessions at once; API tokens are separate and stay.
 */

/** An admin's "sign out everywhere" for one user. */
export async function endAllSessions(prisma: PrismaClient, ctx: ActorContext, userId: string) {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    await writeAudit(tx, { actor: ctx.actor, action: "user.sessions.end", target: { type: "user", id: user.email }, outcome: "success", sourceIp: ctx.ip });
  });
}

/**
 * Sign-out: the signed-out cookie must not work if it was copied. A JWT cannot be withdrawn, so the
 * user's version is bumped, which also ends their sessions in other browsers. Only a session that
 * is still valid may do so: a dead cookie posting a sign-out must not end the user's new sessions.
 */
export async function endSessionsOnSignOut(prisma: PrismaClient, token: { userId: string | null; email: string | null; sessionVersion: unknown }) {
  const ended =
    token.userId && typeof token.sessionVersion === "number"
      ? (await prisma.user.updateMany({ where: { id: token.userId, sessionVersion: token.sessionVersion }, data: { sessionVersion: { increment: 1 } } })).count > 0
      : false;
  await writeAudit(prisma, { actor: { id: token.userId, email: token.email }, action: "auth.signout", outcome: "success", detail: { sessionsEnded: ended } });
}

/**
 * A local account changes its own password. The current password is checked under the sign-in
 * throttle (a stolen session must not become a password-guessing oracle); success ends every
 * session of the account, the caller's included, so each browser signs in again with the new one.
 */
export async function changePassword(prisma: PrismaClient, ctx: ActorContext, userId: string, input: { current: string; password: string }) {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new InvalidInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const audit = { actor: ctx.actor, action: "user.password.change", target: { type: "user", id: user.email }, sourceIp: ctx.ip } as const;

  const attempt = await beginAttempt(prisma, user.email, ctx.ip);
  if (!attempt.allowed) {
    await writeAudit(prisma, { ...audit, outcome: "denied", detail: { reason: "throttled", until: attempt.until } });
    throw new InvalidInputError(throttledMessage(attempt.until));
  }
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    await recordFailure(prisma, user.email, ctx.ip);
    await writeAudit(prisma, { ...audit, outcome: "failure", detail: { reason: "wrong current password" } });
    throw new InvalidInputError("The current password is wrong.");
  }
  await recordSuccess(prisma, user.email, ctx.ip);
  const passwordHash = await hashPassword(input.password);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await writeAudit(tx, { ...audit, outcome: "success" });
  });
}
