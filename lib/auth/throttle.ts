import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * Failed sign-ins are counted per account and per source IP in the database, so every replica sees
 * the same counts. A key that reaches its limit within the window is locked for lockMs.
 */
export interface ThrottlePolicy {
  windowMs: number;
  lockMs: number;
  maxPerAccount: number;
  maxPerIp: number;
}

const defaultThrottle: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerIp: 20,
};

type Db = Pick<PrismaClient, "loginThrottle">;

function throttleKeys(email: string, ip: string | null): { key: string; max: keyof ThrottlePolicy }[] {
  const keys: { key: string; max: keyof ThrottlePolicy }[] = [{ key: `account:${email.toLowerCase()}`, max: "maxPerAccount" }];
  if (ip) keys.push({ key: `ip:${ip}`, max: "maxPerIp" });
  return keys;
}

/** Returns when the caller may try again, or null if not locked. */
export async function lockedUntil(db: Db, email: string, ip: string | null, now = new Date()): Promise<Date | null> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: throttleKeys(email, ip).map((k) => k.key) } } });
  const until = rows.map((r) => r.lockedUntil).filter((d): d is Date => !!d && d > now);
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : null;
}

export async function recordFailure(db: Db, email: string, ip: string | null, policy = defaultThrottle, now = new Date()) {
  for (const { key, max } of throttleKeys(email, ip)) {
    const row = await db.loginThrottle.findUnique({ where: { key } });
    const fresh = !row || now.getTime() - row.windowStart.getTime() > policy.windowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const lock = failures >= policy[max] ? new Date(now.getTime() + policy.lockMs) : (fresh ? null : row.lockedUntil);
    await db.loginThrottle.upsert({
      where: { key },
      create: { key, failures, windowStart: now, lockedUntil: lock },
      update: { failures, windowStart: fresh ? now : row.windowStart, lockedUntil: lock },
    });
  }
}

/** A successful sign-in clears the account's count; the IP's count stays, so one good account cannot launder a spray. */
export async function recordSuccess(db: Db, email: string) {
  await db.loginThrottle.deleteMany({ where: { key: `account:${email.toLowerCase()}` } });
}
