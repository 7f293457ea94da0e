/**
 * unlessPulledWithinDays against the index's pull times (InventoryTag.pulledAt), through the loader
 * and the planner on a real embedded database: a tag pulled within the days is kept and says when; a
 * tag the registry reports as never pulled is not protected once a complete read of pull times came
 * after it was seen (before that its null is "unknown" and protects); a plain OCI registry reports no
 * pulls, and its plan says the rule was not applied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computePlan } from "@/lib/retention/plan";
import { loadPlanInput } from "@/lib/retention/plan-load";
import { openTestDatabase, type TestDatabase } from "../support/db";

const DAY_MS = 86_400_000;
const now = new Date("2026-11-30T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
const plan = async (db: TestDatabase, env: string) => computePlan((await loadPlanInput(db.prisma, env, now)).input);
const verdicts = (p: Awaited<ReturnType<typeof plan>>) => [...p.items.map((i) => [i.tag, `deleted by ${i.rule}`]), ...p.protected.map((x) => [x.tag, x.reason])].sort((a, b) => a[0]!.localeCompare(b[0]!));

describe("retention and the index's pull times", () => {
  let db: TestDatabase;
  const rules = [{ repositories: "*", keepLast: 1, deleteOlderThanDays: 1, unlessPulledWithinDays: 7 }];

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const harbor = await db.prisma.registry.create({ data: { name: "harbor", kind: "harbor", url: "http://127.0.0.1:1" } });
    const oci = await db.prisma.registry.create({ data: { name: "oci", kind: "oci", url: "http://127.0.0.1:2" } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: harbor.id, namespace: "dev", retention: { rules } } });
    await db.prisma.environment.create({ data: { name: "qa", order: 2, registryId: oci.id, namespace: "qa", retention: { rules } } });
    // newest (kept by keepLast), pulled 2 days ago, pulled 30 days ago, never pulled (seen 10 days ago), never pulled but first seen 2 days ago
    const rows: [string, number, Date | null][] = [
      ["newest", 0.5, null],
      ["pulled-recently", 20, ago(2)],
      ["pulled-long-ago", 21, ago(30)],
      ["never-pulled", 10, null],
      ["seen-after-read", 2, null],
    ];
    for (const env of ["dev", "qa"]) {
      for (const [i, [tag, days, pulledAt]] of rows.entries()) {
        const d = digest(i + (env === "qa" ? 100 : 0));
        await db.prisma.inventoryManifest.upsert({ where: { digest: d }, create: { digest: d, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 10, platforms: [] }, update: {} });
        const since = ago(days);
        await db.prisma.inventoryTag.create({ data: { environment: env, repository: `${env}/api`, tag, digest: d, since, seenAt: now, ...(env === "dev" ? { pulledAt } : {}) } });
      }
    }
  }, 120_000);
  afterAll(async () => db?.dispose());

  it("before any complete read of pull times, a null pull time is unknown and protects", async () => {
    expect(verdicts(await plan(db, "dev"))).toEqual([
      ["never-pulled", "last pull unknown to the index (the rule keeps tags pulled within 7 days)"],
      ["pulled-long-ago", "deleted by rules[0] (*)"],
      ["pulled-recently", "pulled 2 days ago (within 7 days)"],
      ["seen-after-read", "last pull unknown to the index (the rule keeps tags pulled within 7 days)"],
    ]);
  });

  it("after a complete read, never pulled is not protected; a tag first seen after that read is still unknown", async () => {
    await db.prisma.inventorySyncState.create({ data: { environment: "dev", pullTimesReadAt: ago(5) } });
    expect(verdicts(await plan(db, "dev"))).toEqual([
      ["never-pulled", "deleted by rules[0] (*)"],
      ["pulled-long-ago", "deleted by rules[0] (*)"],
      ["pulled-recently", "pulled 2 days ago (within 7 days)"],
      ["seen-after-read", "last pull unknown to the index (the rule keeps tags pulled within 7 days)"],
    ]);
  });

  it("a plain OCI registry reports no pulls: the rule is not applied, and each planned tag says so", async () => {
    await db.prisma.inventorySyncState.create({ data: { environment: "qa", pullTimesReadAt: now } });
    const note = "deleted by rules[0] (*) (unlessPulledWithinDays not applied: the registry reports no pulls)";
    expect(verdicts(await plan(db, "qa"))).toEqual([
      ["never-pulled", note],
      ["pulled-long-ago", note],
      ["pulled-recently", note],
      ["seen-after-read", note],
    ]);
  });
});
