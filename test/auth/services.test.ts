import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/log";
import { bootstrapAdminFromEnv, completeSetup, setupRequired } from "@/lib/auth/bootstrap";
import { verifyPassword } from "@/lib/auth/password";
import { beginAttempt, recordFailure, recordSuccess } from "@/lib/auth/throttle";
import { createUser, grantRole, loadGrants, revokeGrant, setUserDisabled } from "@/lib/auth/users";
import { parseConfig } from "@/lib/config/load";
import { syncConfig } from "@/lib/config/sync";
import { createRegistry, listRegistries } from "@/lib/inventory/registries";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const system = { actor: { id: null, email: "test@system" }, ip: "10.0.0.9" };

describe.each(dbKinds)("account and config services on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("needs setup on an empty database, and completes it exactly once", async () => {
    expect(await setupRequired(db.prisma)).toBe(true);
    const results = await Promise.allSettled([
      completeSetup(db.prisma, { email: "First@Example.com", password: "correct horse battery" }, "127.0.0.1", "setup-page"),
      completeSetup(db.prisma, { email: "second@example.com", password: "correct horse battery" }, "127.0.0.1", "setup-page"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { message: "setup has already been completed" } });
    expect(await setupRequired(db.prisma)).toBe(false);
    const admins = await db.prisma.user.findMany({ include: { grants: true } });
    expect(admins).toHaveLength(1);
    expect(admins[0]!.grants).toMatchObject([{ role: "admin", environmentId: null }]);
    await expect(completeSetup(db.prisma, { email: "late@example.com", password: "correct horse battery" }, null, "setup-page")).rejects.toThrow(
      "setup has already been completed",
    );
  });

  it("stores passwords as argon2id hashes only", async () => {
    const u = await db.prisma.user.findFirstOrThrow();
    expect(u.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(u.passwordHash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(u.passwordHash, "wrong")).toBe(false);
    expect(await verifyPassword(undefined, "anything")).toBe(false);
  });

  it("creates the env-configured admin once and never overwrites an account", async () => {
    const env = { DOCKMASTER_ADMIN_EMAIL: "ops@example.com", DOCKMASTER_ADMIN_PASSWORD: "another long password" };
    expect(await bootstrapAdminFromEnv(db.prisma, env)).toBe("created");
    expect(await bootstrapAdminFromEnv(db.prisma, { ...env, DOCKMASTER_ADMIN_PASSWORD: "changed long password" })).toBe("exists");
    const u = await db.prisma.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(await verifyPassword(u.passwordHash, "another long password")).toBe(true);
    expect(await bootstrapAdminFromEnv(db.prisma, {})).toBe("not-configured");
    await expect(bootstrapAdminFromEnv(db.prisma, { DOCKMASTER_ADMIN_EMAIL: "x@y.z" })).rejects.toThrow("DOCKMASTER_ADMIN_EMAIL is set but DOCKMASTER_ADMIN_PASSWORD is not");
  });

  // One failed sign-in as the sign-in flow makes it: claim the check, then record its failure.
  async function fail(email: string, ip: string | null, at: Date) {
    expect(await beginAttempt(db.prisma, email, ip, undefined, at)).toEqual({ allowed: true });
    await recordFailure(db.prisma, email, ip, undefined, at);
  }

  it("locks an account after 5 failures and an IP after 20, and a success clears only the account", async () => {
    const t0 = new Date("2026-01-01T00:00:00Z");
    for (let i = 0; i < 4; i++) await fail("victim@x.io", "192.0.2.1", t0);
    await fail("Victim@x.io", "192.0.2.1", t0);
    expect(await beginAttempt(db.prisma, "victim@x.io", "198.51.100.7", undefined, t0)).toEqual({ allowed: false, until: new Date(t0.getTime() + 15 * 60_000) });
    // After the lock expires the account may try again.
    expect(await beginAttempt(db.prisma, "victim@x.io", null, undefined, new Date(t0.getTime() + 16 * 60_000))).toEqual({ allowed: true });

    // A password spray: one IP, many accounts, each below the account limit.
    for (let i = 0; i < 20; i++) await fail(`user${i}@x.io`, "203.0.113.5", t0);
    expect(await beginAttempt(db.prisma, "fresh@x.io", "203.0.113.5", undefined, t0)).toMatchObject({ allowed: false });
    expect(await beginAttempt(db.prisma, "fresh2@x.io", "203.0.113.6", undefined, t0)).toEqual({ allowed: true });

    await recordSuccess(db.prisma, "user0@x.io", null);
    expect(await beginAttempt(db.prisma, "user0@x.io", null, undefined, t0)).toEqual({ allowed: true });
    expect(await beginAttempt(db.prisma, "user0@x.io", "203.0.113.5", undefined, t0)).toMatchObject({ allowed: false });
  });

  it("restarts the window once it has passed", async () => {
    const t0 = new Date("2026-02-01T00:00:00Z");
    for (let i = 0; i < 4; i++) await fail("slow@x.io", null, t0);
    const later = new Date(t0.getTime() + 20 * 60_000);
    await fail("slow@x.io", null, later);
    for (let i = 0; i < 3; i++) await fail("slow@x.io", null, later);
    expect(await beginAttempt(db.prisma, "slow@x.io", null, undefined, later)).toEqual({ allowed: true });
  });

  it("manages users and roles with an audit row for each change, and keeps one admin", async () => {
    const dev = await createUser(db.prisma, system, { email: "dev@x.io", password: "twelve chars!", grants: [{ role: "developer", environmentId: null }] });
    await expect(createUser(db.prisma, system, { email: "DEV@x.io", password: "twelve chars!", grants: [] })).rejects.toThrow(/already exists/);
    await expect(createUser(db.prisma, system, { email: "short@x.io", password: "short", grants: [] })).rejects.toThrow(/at least 12/);
    const envReg = await db.prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://r" } });
    const prod = await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: envReg.id, namespace: "prod" } });
    await grantRole(db.prisma, system, dev.id, "approver", prod.id);
    await grantRole(db.prisma, system, dev.id, "approver", prod.id); // idempotent
    expect((await loadGrants(db.prisma, dev.id))!.grants).toEqual(
      expect.arrayContaining([{ role: "developer", environment: null }, { role: "approver", environment: "prod" }]),
    );
    await setUserDisabled(db.prisma, system, dev.id, true);
    expect(await loadGrants(db.prisma, dev.id)).toBeNull();

    const admins = await db.prisma.roleGrant.findMany({ where: { role: "admin" } });
    await revokeGrant(db.prisma, system, admins[0]!.id);
    await expect(revokeGrant(db.prisma, system, admins[1]!.id)).rejects.toThrow("cannot remove the last administrator");

    const { rows } = await listAudit(db.prisma, { actor: "test@system" });
    expect(rows.map((r) => r.action)).toEqual(["user.revoke", "user.disable", "user.grant", "user.create"]);
    expect(rows.every((r) => r.sourceIp === "10.0.0.9" && r.outcome === "success")).toBe(true);
  });

  it("mirrors dockmaster.yaml into the database and keeps UI entries apart", async () => {
    const env = { PW: "x" };
    const v1 = parseConfig(
      `registries:\n  - {name: local, kind: oci, url: "http://127.0.0.1:5000", credentials: {username: ci, password: "\${PW}"}}\n` +
        `environments:\n  - {name: dev, order: 1, registry: local, namespace: dev}\n  - {name: test, order: 2, registry: local, namespace: test}\n`,
      "f",
      env,
    );
    await syncConfig(db.prisma, v1);
    let regs = await listRegistries(db.prisma);
    expect(regs.find((r) => r.name === "local")).toMatchObject({ source: "config", credential: "env", credentialEnv: "PW", environments: ["dev", "test"] });

    const v2 = parseConfig(`registries:\n  - {name: local, kind: oci, url: "http://127.0.0.1:5001"}\nenvironments:\n  - {name: dev, order: 1, registry: local}\n`, "f", env);
    await syncConfig(db.prisma, v2);
    regs = await listRegistries(db.prisma);
    expect(regs.find((r) => r.name === "local")).toMatchObject({ url: "http://127.0.0.1:5001", credential: "none", environments: ["dev"] });

    process.env.DOCKMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
    await createRegistry(db.prisma, system, { name: "ui-reg", kind: "harbor", url: "https://h", username: "robot", secret: "p@ss" });
    const stored = await db.prisma.registry.findUniqueOrThrow({ where: { name: "ui-reg" } });
    expect(stored.secretCiphertext).toMatch(/^v1:/);
    expect(stored.secretCiphertext).not.toContain("p@ss");
    expect(JSON.stringify(await listRegistries(db.prisma))).not.toContain("v1:");
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "registry.create" } });
    expect(JSON.stringify(audit.detail)).not.toContain("p@ss");

    const clash = parseConfig(`registries:\n  - {name: ui-reg, kind: oci, url: "http://x"}\n`, "f", env);
    await expect(syncConfig(db.prisma, clash)).rejects.toThrow(/registry "ui-reg".*added in the UI/);

    delete process.env.DOCKMASTER_SECRET_KEY;
    await expect(createRegistry(db.prisma, system, { name: "nokey", kind: "oci", url: "http://x", secret: "s" })).rejects.toThrow(/refuses to store registry secrets/);
    expect(await db.prisma.registry.findUnique({ where: { name: "nokey" } })).toBeNull();
  });
});
