/**
 * The stand-alone protection check, against a real database (PGlite): what protects a digest right
 * now, in the words execution reports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveProtectionCheck } from "@/lib/retention/protection-live";
import { openTestDatabase, type TestDatabase } from "../support/db";

const D = (c: string) => `sha256:${c.repeat(64)}`;
let db: TestDatabase;
const now = new Date("2026-11-30T12:00:00Z");

beforeAll(async () => {
  db = await openTestDatabase("pglite");
  const reg = await db.prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: reg.id, namespace: "prod", protected: true } });
  await db.prisma.environment.create({ data: { name: "test", order: 2, registryId: reg.id, namespace: "test" } });
  const tag = (environment: string, repository: string, t: string, digest: string) => ({ environment, repository, tag: t, digest, since: now, seenAt: now });
  await db.prisma.inventoryTag.createMany({
    data: [tag("prod", "prod/api", "1.0", D("a")), tag("test", "test/api", "1.0", D("b")), tag("dev", "dev/api", "x", D("b")), tag("prod", "prod/api", "2.0", D("f"))],
  });
  const promotion = (digest: string, status: "requested" | "verified" | "rejected", finishedAt?: Date) => ({
    sourceEnv: "dev", targetEnv: "prod", sourceRepository: "dev/api", targetRepository: "prod/api", digest, targetTag: "1.0", reason: "r",
    requestedById: "u", requestedByEmail: "u@x.io", status, approvalsRequired: 1, gates: [], gatesPassed: true, ...(finishedAt ? { finishedAt } : {}),
  });
  await db.prisma.promotion.create({ data: promotion(D("c"), "requested") });
  await db.prisma.promotion.create({ data: promotion(D("d"), "verified", new Date("2026-11-27T12:00:00Z")) });
  await db.prisma.promotion.create({ data: promotion(D("e"), "verified", new Date("2026-10-01T12:00:00Z")) });
  await db.prisma.promotion.create({ data: promotion(D("e"), "rejected") });
}, 120_000);

afterAll(() => db?.dispose());

describe("live protection check", () => {
  const q = (digest: string, repository = "dev/api") => ({ environment: "dev", repository, tag: "x", digest });

  it("a digest tagged in a protected environment: running in it, with where", async () => {
    const check = liveProtectionCheck(db.prisma, { now: () => now });
    expect(await check(q(D("a")))).toBe("running in prod (prod/api:1.0)");
  });

  it("tags in unprotected environments do not protect", async () => {
    expect(await liveProtectionCheck(db.prisma, { now: () => now })(q(D("b")))).toBeNull();
  });

  it("an open promotion, and a verified one within recentPromotionDays, protect; older or rejected ones do not", async () => {
    const check = liveProtectionCheck(db.prisma, { now: () => now, recentPromotionDays: 7 });
    expect(await check(q(D("c")))).toMatch(/^open promotion #\d+$/);
    expect(await check(q(D("d")))).toMatch(/^recent promotion #\d+ to prod$/);
    expect(await check(q(D("e")))).toBeNull();
    expect(await liveProtectionCheck(db.prisma, { now: () => now, recentPromotionDays: 0 })(q(D("d")))).toBeNull();
  });

  it("a plan for the protected environment itself is not blocked by the repository it prunes, but is by another", async () => {
    const check = liveProtectionCheck(db.prisma, { now: () => now });
    expect(await check({ environment: "prod", repository: "prod/api", tag: "1.0", digest: D("a") })).toBeNull();
    expect(await check({ environment: "prod", repository: "prod/web", tag: "1.0", digest: D("f") })).toBe("running in prod (prod/api:2.0)");
  });
});
