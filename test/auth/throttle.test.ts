import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SIGNIN_FAILED, signInWithPassword } from "@/lib/auth/signin";
import { createUser } from "@/lib/auth/users";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

// Counts the password checks that really run (argon2 verify), so the test sees how many guesses
// an attacker got, not only what the answers said.
const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return {
    ...real,
    verifyPassword: (stored: string | undefined, password: string) => {
      checks.count++;
      return real.verifyPassword(stored, password);
    },
  };
});

const system = { actor: null, ip: null };
const THROTTLED = /^Too many failed sign-ins/;

function messages(results: PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "signed in"));
}

describe.each(dbKinds)("sign-in throttle under parallel guesses on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await createUser(db.prisma, system, { email: "target@x.io", password: "the right password", grants: [] });
  });
  afterAll(async () => {
    await db?.dispose();
  });
  beforeEach(() => {
    checks.count = 0;
  });

  it("checks at most 5 of 8 parallel wrong passwords for one account, and refuses the rest", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => signInWithPassword(db.prisma, { email: "Target@x.io", password: `guess ${i}` }, `198.51.100.${i + 1}`)),
    );
    const said = messages(results);
    expect(checks.count).toBe(5);
    expect(said.filter((m) => m === SIGNIN_FAILED)).toHaveLength(5);
    expect(said.filter((m) => THROTTLED.test(m))).toHaveLength(3);
    // The account is locked now: even the right password is not checked.
    await expect(signInWithPassword(db.prisma, { email: "target@x.io", password: "the right password" }, "198.51.100.99")).rejects.toThrow(THROTTLED);
    expect(checks.count).toBe(5);
    const audited = await db.prisma.auditEvent.groupBy({ by: ["outcome"], where: { action: "auth.signin", actorEmail: "target@x.io" }, _count: true });
    expect(Object.fromEntries(audited.map((a) => [a.outcome, a._count]))).toEqual({ failure: 5, denied: 4 });
  });

  it("checks at most 20 of 30 parallel wrong passwords from one address across many accounts", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => signInWithPassword(db.prisma, { email: `sprayed${i}@x.io`, password: "Winter2026!" }, "203.0.113.5")),
    );
    const said = messages(results);
    expect(checks.count).toBe(20);
    expect(said.filter((m) => m === SIGNIN_FAILED)).toHaveLength(20);
    expect(said.filter((m) => THROTTLED.test(m))).toHaveLength(10);
  });

  it("does not spend an address's allowance on successful sign-ins", async () => {
    await createUser(db.prisma, system, { email: "busy@x.io", password: "busy password!", grants: [] });
    for (let i = 0; i < 22; i++) {
      await expect(signInWithPassword(db.prisma, { email: "busy@x.io", password: "busy password!" }, "192.0.2.200")).resolves.toMatchObject({ email: "busy@x.io" });
    }
  });
});
