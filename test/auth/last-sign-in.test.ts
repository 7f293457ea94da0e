import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/auth/signin";
import { createUser, listUsers } from "@/lib/auth/users";
import { openTestDatabase, type TestDatabase } from "../support/db";

describe("last sign-in time (Settings → Users)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    await createUser(db.prisma, { actor: null, ip: null }, { email: "seen@x.io", password: "a long enough password", grants: [] });
  });
  afterAll(async () => {
    await db?.dispose();
  });
  const lastSignIn = async () => (await listUsers(db.prisma)).find((u) => u.email === "seen@x.io")?.lastSignInAt;

  it("is empty until the first sign-in, unchanged by a failed one, and set by a successful one", async () => {
    expect(await lastSignIn()).toBeNull();
    await expect(signInWithPassword(db.prisma, { email: "seen@x.io", password: "wrong password here" }, "192.0.2.1")).rejects.toThrow();
    expect(await lastSignIn()).toBeNull();
    const before = Date.now();
    await signInWithPassword(db.prisma, { email: "seen@x.io", password: "a long enough password" }, "192.0.2.1");
    const at = (await lastSignIn())?.getTime() ?? 0;
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
