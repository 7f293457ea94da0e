import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { MAX_PASSWORD_LENGTH, verifyPassword } from "./password";
import { passwordSignInAllowed, type PasswordSignInSettings } from "./password-signin-policy";
import { beginAttempt, recordFailure, recordSuccess, throttledMessage } from "./throttle";
import { normalizeEmail } from "./users";

const credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

export const SIGNIN_FAILED = "Wrong email or password.";

/** The user a sign-in form names, if the password is right; throws the message the form shows otherwise. */
export async function signInWithPassword(prisma: PrismaClient, raw: unknown, ip: string | null, settings?: PasswordSignInSettings) {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) throw new Error(SIGNIN_FAILED);
  const email = normalizeEmail(parsed.data.email);
  if (!passwordSignInAllowed(email, settings)) {
    // Same answer as a wrong password: the form must not reveal which accounts exist.
    await writeAudit(prisma, { actor: { email }, action: "auth.signin", outcome: "denied", sourceIp: ip, detail: { reason: "local sign-in disabled (auth.local: false)" } });
    throw new Error(SIGNIN_FAILED);
  }

  // Claim the check before making it: parallel guesses must not all pass a "not locked yet" test.
  const attempt = await beginAttempt(prisma, email, ip);
  if (!attempt.allowed) {
    const { until } = attempt;
    await writeAudit(prisma, { actor: { email }, action: "auth.signin", outcome: "denied", sourceIp: ip, detail: { reason: "throttled", until } });
    throw new Error(throttledMessage(until));
  }

  const user = await prisma.user.findUnique({ where: { email } });
  const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
  if (!ok || !user || user.disabled) {
    await recordFailure(prisma, email, ip);
    await writeAudit(prisma, {
      actor: { id: user?.id ?? null, email },
      action: "auth.signin",
      outcome: "failure",
      sourceIp: ip,
      detail: { reason: !user ? "unknown account" : user.disabled && ok ? "account disabled" : "wrong password" },
    });
    throw new Error(SIGNIN_FAILED);
  }
  await recordSuccess(prisma, email, ip);
  await prisma.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await writeAudit(prisma, { actor: { id: user.id, email }, action: "auth.signin", outcome: "success", sourceIp: ip });
  // sessionVersion goes into the JWT (options.ts): the session lives only while it still matches.
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}
