import type { PrismaClient } from "@/lib/db/generated/client";
import { epochMs, num, tsParam } from "@/lib/probe/sql";

/**
 * Password checks are counted per account and per source IP in the database, so every replica
 * sees the same counts. An attempt is counted BEFORE its password is checked, in one statement that
 * returns the new count (see beginAttempt): parallel guesses each see the ones before them, so no
 * more than the limit are ever checked. A key whose failures reach its limit is locked for lockMs.
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

type Db = Pick<PrismaClient, "loginThrottle" | "$queryRawUnsafe" | "$executeRawUnsafe">;

export type Attempt = { allowed: true } | { allowed: false; until: Date };

function throttleKeys(email: string, ip: string | null, policy: ThrottlePolicy): { key: string; max: number }[] {
  const keys = [{ key: `account:${email.toLowerCase()}`, max: policy.maxPerAccount }];
  if (ip) keys.push({ key: `ip:${ip}`, max: policy.maxPerIp });
  return keys;
}

/**
 * Claims one password check for the account and the IP, or refuses. The column "failures" counts the
 * checks in the window that failed or are still running; a refused attempt gives its claim back.
 * A window that has passed (and is not locked) starts again at 1.
 */
export async function beginAttempt(db: Db, email: string, ip: string | null, policy = defaultThrottle, now = new Date()): Promise<Attempt> {
  const keys = throttleKeys(email, ip, policy);
  const values = keys.map((_, i) => `($${i + 3}, 1, ${tsParam(1)}, NULL)`).join(", ");
  const restart = `t."windowStart" < ${tsParam(2)} AND (t."lockedUntil" IS NULL OR t."lockedUntil" <= ${tsParam(1)})`;
  const rows = await db.$queryRawUnsafe<{ key: string; failures: unknown; windowStart: unknown; lockedUntil: unknown }[]>(
    `INSERT INTO "LoginThrottle" AS t ("key", "failures", "windowStart", "lockedUntil") VALUES ${values}
     ON CONFLICT ("key") DO UPDATE SET
       "failures" = CASE WHEN ${restart} THEN 1 ELSE t."failures" + 1 END,
       "windowStart" = CASE WHEN ${restart} THEN ${tsParam(1)} ELSE t."windowStart" END,
       "lockedUntil" = CASE WHEN ${restart} THEN NULL ELSE t."lockedUntil" END
     RETURNING "key", "failures", ${epochMs(`"windowStart"`)} AS "windowStart", ${epochMs(`"lockedUntil"`)} AS "lockedUntil"`,
    now.getTime(),
    now.getTime() - policy.windowMs,
    ...keys.map((k) => k.key),
  );
  const refusedUntil = rows.flatMap((row) => {
    const max = keys.find((k) => k.key === row.key)!.max;
    const locked = row.lockedUntil == null ? 0 : num(row.lockedUntil);
    if (locked > now.getTime()) return [locked];
    return num(row.failures) > max ? [num(row.windowStart) + policy.windowMs] : [];
  });
  if (refusedUntil.length === 0) return { allowed: true };
  await giveBack(db, keys.map((k) => k.key));
  return { allowed: false, until: new Date(Math.max(...refusedUntil)) };
}

// One key per statement: a statement locking several rows in scan order could deadlock with
// beginAttempt's insert, which locks the account row before the IP row.
async function giveBack(db: Db, keys: string[]) {
  for (const key of keys) await db.$executeRawUnsafe(`UPDATE "LoginThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "key" = $1`, key);
}

/**
 * The check could not be made (the directory was unreachable): both claims are given back, so an
 * outage does not lock people out once it is over, and no earlier failure is forgotten.
 */
export async function releaseAttempt(db: Db, email: string, ip: string | null, policy = defaultThrottle) {
  await giveBack(db, throttleKeys(email, ip, policy).map((k) => k.key));
}

/** The check failed: its claim stays counted, and a key at its limit is locked. */
export async function recordFailure(db: Db, email: string, ip: string | null, policy = defaultThrottle, now = new Date()) {
  for (const { key, max } of throttleKeys(email, ip, policy)) {
    await db.$executeRawUnsafe(
      `UPDATE "LoginThrottle" SET "lockedUntil" = GREATEST("lockedUntil", ${tsParam(1)}) WHERE "key" = $2 AND "failures" >= $3`,
      now.getTime() + policy.lockMs,
      key,
      max,
    );
  }
}

/**
 * A successful sign-in clears the account's count and gives the IP its claim back; failures from
 * the IP stay, so one good account cannot launder a spray.
 */
export async function recordSuccess(db: Db, email: string, ip: string | null) {
  await db.loginThrottle.deleteMany({ where: { key: `account:${email.toLowerCase()}` } });
  if (ip) await giveBack(db, [`ip:${ip}`]);
}

/** What a refused caller is told. */
export function throttledMessage(until: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
