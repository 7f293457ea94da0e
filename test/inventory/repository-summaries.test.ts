/**
 * The repository list's columns from the index: tag count (the same rows the tag table lists),
 * stored size of distinct manifests, last push (the registry's push time, or the first-seen time,
 * said so) and scan status summed over distinct digests; nothing for an environment the caller
 * may not see.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositorySummaries } from "@/lib/inventory/index/repository-summaries";
import { openTestDatabase, type TestDatabase } from "../support/db";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const at = (iso: string) => new Date(iso);

describe("repository summaries from the inventory index", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const tag = (repository: string, t: string, digest: string, since: string, pushedAt?: string) => ({
      environment: "dev", repository, tag: t, digest, since: at(since), seenAt: at(since), ...(pushedAt ? { pushedAt: at(pushedAt) } : {}),
    });
    await db.prisma.inventoryTag.createMany({
      data: [
        // two tags on one digest, one on another: 3 tags, 2 distinct digests
        tag("dev/api", "1.0", d("a"), "2026-11-01T10:00:00Z", "2026-10-01T10:00:00Z"),
        tag("dev/api", "latest", d("a"), "2026-11-01T10:00:00Z", "2026-10-01T10:00:00Z"),
        tag("dev/api", "2.0", d("b"), "2026-11-02T10:00:00Z", "2026-10-05T08:00:00Z"),
        // plain OCI: no push time from the registry
        tag("dev/web", "1.0", d("c"), "2026-11-03T09:30:00Z"),
        { environment: "prod", repository: "dev/api", tag: "9.9", digest: d("e"), since: at("2026-11-05T00:00:00Z"), seenAt: at("2026-11-05T00:00:00Z") },
      ],
    });
    const manifest = (digest: string, size: number) => ({ digest, mediaType: "application/vnd.oci.image.manifest.v1+json", size: BigInt(size), platforms: [] });
    await db.prisma.inventoryManifest.createMany({ data: [manifest(d("a"), 1000), manifest(d("b"), 500), manifest(d("c"), 42)] });
    await db.prisma.inventoryScan.create({ data: { digest: d("a"), origin: "registry", registry: "dev-reg", scanner: "Trivy", critical: 2, high: 3, fixableBySeverity: {} } });
  });
  afterAll(async () => db?.dispose());

  it("counts tags, distinct sizes, the newest registry push time and scans per repository", async () => {
    const s = await repositorySummaries(db.prisma, "all", { environment: "dev", repositories: ["dev/api", "dev/web", "dev/none"] });
    expect(s.get("dev/api")).toEqual({
      repository: "dev/api", tagCount: 3, size: 1500, lastPush: at("2026-10-05T08:00:00Z"), lastPushSource: "registry", digests: 2, scanned: 1, critical: 2, high: 3,
    });
    expect(s.get("dev/web")).toMatchObject({ tagCount: 1, size: 42, lastPush: at("2026-11-03T09:30:00Z"), lastPushSource: "first-seen", scanned: 0 });
    expect(s.has("dev/none")).toBe(false);
  });

  it("answers nothing for an environment the caller may not see", async () => {
    expect((await repositorySummaries(db.prisma, ["prod"], { environment: "dev", repositories: ["dev/api"] })).size).toBe(0);
    expect((await repositorySummaries(db.prisma, ["prod"], { environment: "prod", repositories: ["dev/api"] })).get("dev/api")?.tagCount).toBe(1);
  });
});
