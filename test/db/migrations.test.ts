import { mkdtemp, mkdir, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationStatus, readMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/open";
import { createEmptyPostgres, dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

describe.each(dbKinds)("migrations on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("applies every migration to an empty database and reports them current", async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const status = await migrationStatus(db.sql);
    expect(status).toEqual({ applied: files.map((f) => f.name), pending: [], modified: [], unknown: [] });
  });

  it("is idempotent: a second run applies nothing", async () => {
    expect(await migrate(db.sql)).toEqual([]);
  });

  // Proves the hand-written SQL matches schema.prisma: every model, every field, through the client.
  it("serves every model and field through the Prisma client", async () => {
    const p = db.prisma;
    const reg = await p.registry.create({
      data: {
        name: "r1", kind: "harbor", url: "https://h", username: "u", secretEnvRef: "X", secretCiphertext: "v1:a:b:c:d",
        insecureSkipVerify: true, caFile: "/ca.pem", options: { region: "eu-west-1" }, source: "config",
      },
    });
    expect(reg).toMatchObject({ kind: "harbor", insecureSkipVerify: true, options: { region: "eu-west-1" }, source: "config" });
    const env = await p.environment.create({
      data: { name: "prod", order: 3, registryId: reg.id, namespace: "prod", protected: true, policy: { approvals: 2 }, source: "ui" },
    });
    const user = await p.user.create({
      data: { email: "a@x.io", name: "A", passwordHash: "h", disabled: false, sessionVersion: 3, grants: { create: [{ role: "approver", environmentId: env.id }, { role: "viewer" }] } },
      include: { grants: { include: { environment: true } } },
    });
    expect(user.grants.map((g) => [g.role, g.environment?.name ?? null]).sort()).toEqual([["approver", "prod"], ["viewer", null]]);
    expect(user.updatedAt).toBeInstanceOf(Date);
    expect(user.sessionVersion).toBe(3);
    expect((await p.user.create({ data: { email: "fresh@x.io", passwordHash: "h" } })).sessionVersion).toBe(0);

    const ev = await p.auditEvent.create({
      data: { actorId: user.id, actorEmail: user.email, action: "x.y", targetType: "t", targetId: "1", outcome: "success", sourceIp: "127.0.0.1", detail: { a: [1, 2] } },
    });
    expect(typeof ev.id).toBe("bigint");
    expect(ev.detail).toEqual({ a: [1, 2] });

    const lock = new Date(Date.now() + 1000);
    await p.loginThrottle.create({ data: { key: "account:a@x.io", failures: 3, lockedUntil: lock } });
    expect((await p.loginThrottle.findUniqueOrThrow({ where: { key: "account:a@x.io" } })).lockedUntil?.getTime()).toBe(lock.getTime());

    await p.setting.upsert({ where: { key: "k" }, create: { key: "k", value: { n: 1 } }, update: { value: { n: 2 } } });
    expect((await p.setting.findUniqueOrThrow({ where: { key: "k" } })).value).toEqual({ n: 1 });

    // Foreign keys as declared: a registry in use cannot go; deleting an environment drops its grants.
    await expect(p.registry.delete({ where: { id: reg.id } })).rejects.toThrow();
    await p.environment.delete({ where: { id: env.id } });
    expect(await p.roleGrant.count({ where: { userId: user.id } })).toBe(1);
    await p.user.delete({ where: { id: user.id } });
    expect(await p.roleGrant.count()).toBe(0);
  });

  it("serves every inventory index model and field through the Prisma client", async () => {
    const p = db.prisma;
    const at = new Date("2026-11-30T10:00:00Z");
    await p.inventoryTag.create({ data: { environment: "dev", repository: "dev/api", tag: "1.0", digest: "sha256:" + "a".repeat(64), since: at, seenAt: at } });
    await expect(p.inventoryTag.create({ data: { environment: "dev", repository: "dev/api", tag: "1.0", digest: "sha256:" + "b".repeat(64), since: at, seenAt: at } })).rejects.toThrow();
    const m = await p.inventoryManifest.create({
      data: { digest: "sha256:" + "a".repeat(64), mediaType: "application/vnd.oci.image.index.v1+json", size: 12_345_678_901n, platforms: [{ os: "linux", architecture: "amd64", digest: "sha256:" + "c".repeat(64) }], artifactType: "x/y", subject: "sha256:" + "d".repeat(64), blobs: [["sha256:" + "a".repeat(64), 12_345_678_901]] },
    });
    expect(m).toMatchObject({ size: 12_345_678_901n, artifactType: "x/y", blobs: [["sha256:" + "a".repeat(64), 12_345_678_901]] });
    expect(m.indexedAt).toBeInstanceOf(Date);
    const e = await p.inventoryTagEvent.create({
      data: { environment: "dev", repository: "dev/api", tag: "1.0", kind: "moved", digest: "sha256:" + "a".repeat(64), previousDigest: "sha256:" + "b".repeat(64), source: "promotion", actor: "a@x.io", promotionNumber: 7 },
    });
    expect(typeof e.id).toBe("bigint");
    expect(e).toMatchObject({ promotionNumber: 7, actor: "a@x.io" });
    const s = await p.inventorySyncState.create({ data: { environment: "dev", lastFullAt: at, lastIncrementalAt: at, lastDurationMs: 5, repositories: 1, tags: 2, manifestsFetched: 3, error: "e", staleSince: at, leaseOwner: "o", leaseUntil: at } });
    expect(s).toMatchObject({ repositories: 1, tags: 2, manifestsFetched: 3, leaseOwner: "o" });
  });

  it("serves the CVE exception ledger and refuses a row naming both or neither of CVE and package", async () => {
    const p = db.prisma;
    const at = new Date("2027-01-10T00:00:00Z");
    const row = await p.cveException.create({
      data: { cveId: "CVE-2024-1234", scope: "digest", registry: "r", repository: "dev/api", digest: "sha256:" + "a".repeat(64), environment: null, reason: "not reachable", owner: "alice", expiresAt: at, createdById: "u1", createdBy: "a@x.io", approvedBy: "a@x.io", revokedAt: at, revokedBy: "b@x.io", expiredNotedAt: at, warnedAt: at, source: "config", configKey: "k1" },
    });
    expect(row).toMatchObject({ scope: "digest", source: "config", configKey: "k1", packageName: null });
    expect(row.createdAt).toBeInstanceOf(Date);
    await expect(p.cveException.create({ data: { cveId: "CVE-1", packageName: "zlib", scope: "global", reason: "r", owner: "o", expiresAt: at, createdBy: "x" } })).rejects.toThrow();
    await expect(p.cveException.create({ data: { scope: "global", reason: "r", owner: "o", expiresAt: at, createdBy: "x" } })).rejects.toThrow();
    await expect(p.cveException.create({ data: { cveId: "CVE-1", scope: "planet", reason: "r", owner: "o", expiresAt: at, createdBy: "x" } })).rejects.toThrow();
  });

  it("serves the promotion policy fields: status scheduled, windows, groups, evidence", async () => {
    const p = db.prisma;
    const at = new Date("2026-10-26T07:00:00Z");
    const promo = await p.promotion.create({
      data: {
        sourceEnv: "dev", targetEnv: "prod", sourceRepository: "dev/a", targetRepository: "prod/a", digest: "sha256:" + "a".repeat(64), targetTag: "1", reason: "r",
        requestedById: "u", requestedByEmail: "u@x.io", status: "scheduled", approvalsRequired: 2, gates: [], gatesPassed: true, scheduledFor: at,
        windowOverride: { by: "admin@x.io" }, approvalGroups: [{ name: "security", count: 1 }], evidence: { format: "v1" },
      },
    });
    expect(promo).toMatchObject({ status: "scheduled", scheduledFor: at, windowOverride: { by: "admin@x.io" }, approvalGroups: [{ name: "security", count: 1 }], evidence: { format: "v1" } });
    await p.approvalGroupMember.create({ data: { environment: "prod", groupName: "security", userEmail: "a@x.io", addedByEmail: "admin@x.io" } });
    await expect(p.approvalGroupMember.create({ data: { environment: "prod", groupName: "security", userEmail: "a@x.io", addedByEmail: "admin@x.io" } })).rejects.toThrow();
    expect((await p.approvalGroupMember.findFirstOrThrow()).createdAt).toBeInstanceOf(Date);
  });

  it("serves the promotion status withdrawn", async () => {
    const promo = await db.prisma.promotion.create({
      data: {
        sourceEnv: "dev", targetEnv: "prod", sourceRepository: "dev/w", targetRepository: "prod/w", digest: "sha256:" + "b".repeat(64), targetTag: "1", reason: "r",
        requestedById: "u", requestedByEmail: "u@x.io", approvalsRequired: 1, gates: [], gatesPassed: true,
      },
    });
    const moved = await db.prisma.promotion.updateMany({ where: { id: promo.id, status: "requested" }, data: { status: "withdrawn" } });
    expect(moved.count).toBe(1);
    expect(await db.prisma.promotion.count({ where: { status: "withdrawn" } })).toBe(1);
  });

  it("enforces one grant per user, role and scope, treating NULL scope as one value", async () => {
    const u = await db.prisma.user.create({ data: { email: "dup@x.io", passwordHash: "h" } });
    await db.prisma.roleGrant.create({ data: { userId: u.id, role: "admin" } });
    await expect(db.prisma.roleGrant.create({ data: { userId: u.id, role: "admin" } })).rejects.toThrow();
  });

  it("refuses to run when an applied migration file was edited", async () => {
    const files = await readMigrations();
    const edited = files.map((f, i) => (i === 0 ? { ...f, checksum: "0".repeat(64) } : f));
    await expect(migrate(db.sql, edited)).rejects.toThrow(/changed after they were applied: 20261125000000_foundation/);
    expect((await migrationStatus(db.sql, edited)).modified).toEqual([files[0]!.name]);
  });

  it("rolls back a failing migration completely and names it", async () => {
    const files = await readMigrations();
    const bad = { name: "29991231000000_broken", sql: 'CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";', checksum: "b".repeat(64) };
    await expect(migrate(db.sql, [...files, bad])).rejects.toThrow(/migration 29991231000000_broken failed: .*NoSuchTable/);
    const tables = await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(tables[0]!.n).toBe("0");
    expect((await migrationStatus(db.sql, [...files, bad])).pending).toEqual([bad.name]);
  });
});

describe("migration safety", () => {
  it("two app replicas migrating one Postgres at once apply each migration exactly once", async () => {
    const empty = await createEmptyPostgres();
    try {
      const [a, b] = await Promise.all([openDatabase({ url: empty.url, migrate: false }), openDatabase({ url: empty.url, migrate: false })]);
      const [ra, rb] = await Promise.all([migrate(a.sql), migrate(b.sql)]);
      expect([...ra, ...rb]).toEqual((await readMigrations()).map((f) => f.name));
      await a.close();
      await b.close();
    } finally {
      await empty.drop();
    }
  });

  it("rejects a migration folder with an unsafe name", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "dm-mig-"));
    await cp(path.join(process.cwd(), "prisma", "migrations"), dir, { recursive: true });
    await mkdir(path.join(dir, "2030_bad'name"));
    await writeFile(path.join(dir, "2030_bad'name", "migration.sql"), "SELECT 1;");
    await expect(readMigrations(dir)).rejects.toThrow(/must be <timestamp>_<name>/);
  });
});
