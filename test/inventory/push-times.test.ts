/**
 * The registry's push time of each tag, kept by the index: written when an observation carries it,
 * cleared when a tag moves without one (an event's re-read by HEAD), so "last push" never shows the
 * old image's push time for the new image. Pull times likewise, where the registry reports them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagTimes } from "@/lib/inventory/index/reads";
import { applyObservation } from "@/lib/inventory/index/snapshot";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe.each(dbKinds)("push and pull times in the index on %s", (kind) => {
  let db: TestDatabase;
  const row = () => db.prisma.inventoryTag.findUniqueOrThrow({ where: { environment_repository_tag: { environment: "prod", repository: "prod/api", tag: "1.0" } } });
  const observe = (digest: string, pushedAt?: string) =>
    applyObservation(db.prisma, { environment: "prod", repository: "prod/api", tags: new Map([["1.0", digest]]), coverage: "partial", ...(pushedAt ? { pushedAt: new Map([["1.0", pushedAt]]) } : {}) }, { source: "full_sync" });
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => db?.dispose());

  it("keeps the registry's push time of a new tag", async () => {
    await observe(D("a"), "2026-10-01T12:00:00Z");
    expect((await row()).pushedAt?.toISOString()).toBe("2026-10-01T12:00:00.000Z");
  });

  it("a moved tag observed without a push time loses the old one; a later read sets the new one", async () => {
    await observe(D("b"));
    expect((await row()).pushedAt).toBeNull();
    await observe(D("b"), "2026-11-02T08:30:00Z");
    expect((await row()).pushedAt?.toISOString()).toBe("2026-11-02T08:30:00.000Z");
  });

  it("an unchanged tag keeps its push time when a read carries none", async () => {
    await observe(D("b"));
    expect((await row()).pushedAt?.toISOString()).toBe("2026-11-02T08:30:00.000Z");
  });

  const pull = (digest: string, pulledAt: string | null) =>
    applyObservation(db.prisma, { environment: "prod", repository: "prod/api", tags: new Map([["1.0", digest]]), coverage: "partial", pulledAt: new Map([["1.0", pulledAt]]) }, { source: "full_sync" });

  it("keeps the registry's pull time; a read reporting 'never' clears it; a read without pull times leaves it", async () => {
    await pull(D("b"), "2026-11-20T07:00:00.123Z");
    expect((await row()).pulledAt?.toISOString()).toBe("2026-11-20T07:00:00.123Z");
    await observe(D("b"));
    expect((await row()).pulledAt?.toISOString()).toBe("2026-11-20T07:00:00.123Z");
    await pull(D("b"), null);
    expect((await row()).pulledAt).toBeNull();
  });

  it("the tag page reads both times, only in an environment the caller may see", async () => {
    await pull(D("b"), "2026-11-22T07:00:00Z");
    const q = { environment: "prod", repository: "prod/api", tag: "1.0" };
    expect(await tagTimes(db.prisma, ["prod"], q)).toEqual({ pushedAt: new Date("2026-11-02T08:30:00Z"), pulledAt: new Date("2026-11-22T07:00:00Z") });
    expect(await tagTimes(db.prisma, ["dev"], q)).toBeNull();
  });

  it("a moved tag observed without a pull time loses the old image's", async () => {
    await pull(D("b"), "2026-11-21T07:00:00Z");
    await observe(D("c"));
    expect(await row()).toMatchObject({ digest: D("c"), pulledAt: null });
  });
});
