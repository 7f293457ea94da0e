import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { MAX_PASSWORD_LENGTH, verifyPassword } from "./password";
import { beginAttempt, recordFailure, recordSuccess, throttledMessage } from "./throttle";
import { normalizeEmail } from "./users";

const credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

export const SIGNIN_FAILED = "Wrong email or password.";
export const LOCAL_SIGNIN_OFF = "Password sign-in is turned off here (auth.local: false): use single sign-on.";

/** dockmaster.yaml auth.local and auth.breakGlass */
interface PasswordPolicy {
  local: boolean;
  breakGlass?: string;
}

/** The user a sign-in form names, if the password is right; throws the message the form shows otherwise. */
export async function signInWithPassword(prisma: PrismaClient, raw: unknown, ip: string | null, policy: PasswordPolicy = { local: true }) {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) throw new Error(SIGNIN_FAILED);
  const email = normalizeEmail(parsed.data.email);

  // Refused before the password is checked: with local sign-in off, no password but the
  // break-glass account's is worth guessing, and saying so plainly is no information to an attacker.
  if (!policy.local && (!policy.breakGlass || email !== normalizeEmail(policy.breakGlass))) {
    await writeAudit(prisma, { actor: { email }, action: "auth.signin", outcome: "denied", sourceIp: ip, detail: { reason: "local sign-in disabled" } });
    throw new Error(LOCAL_SIGNIN_OFF);
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
  await writeAudit(prisma, { actor: { id: user.id, email }, action: "auth.signin", outcome: "success", sourceIp: ip });
  // sessionVersion goes into the JWT (options.ts): the session lives only while it still matches.
  return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
}
