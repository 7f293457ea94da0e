/**
 * A config shared by more manifests than one enrichment statement carries (enrich.ts,
 * MANIFESTS_PER_STATEMENT): read once, and its created time and labels reach every manifest, the
 * ones past each statement's boundary included. Real docker-registry, seeded through its storage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANIFESTS_PER_STATEMENT } from "@/lib/inventory/index/enrich";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { bulkContent } from "../harness/seed";
import { writeBulkStorage } from "../harness/storage-seed";
import { createEnvironments, stopAll } from "../harness/teardown";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const TAGS_PER_REPOSITORY = 10;
// one statement's worth and a remainder: the boundary is crossed, and the last statement is partial
const REPOSITORIES = Math.ceil((MANIFESTS_PER_STATEMENT + 5) / TAGS_PER_REPOSITORY);
const MANIFESTS = REPOSITORIES * TAGS_PER_REPOSITORY;

describe.each(dbKinds)(`enrichment of one config shared by ${MANIFESTS} manifests on %s`, (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let provider: OciProvider;
  const options = { repositories: REPOSITORIES, tagsPerRepository: TAGS_PER_REPOSITORY, namespace: "dev" };
  const configLabels = bulkContent(options).base.configJson.config as { Labels?: Record<string, string> };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry();
    await writeBulkStorage(registry, options);
    provider = createOciProvider({ name: "dev-registry", url: registry.url, auth: { kind: "anonymous" } });
    await createEnvironments(db.prisma, registry.url, ["dev"]);
  });
  afterAll(() => stopAll(provider, registry, db));

  it("reads the config once and gives every manifest its created time and labels", async () => {
    const labels = configLabels.Labels ?? {};
    expect(Object.keys(labels).length).toBeGreaterThan(0);
    const report = await syncEnvironment(db.prisma, { environment: "dev", namespace: "dev", provider }, { mode: "full" });
    expect(report.manifestsFetched).toBe(MANIFESTS);
    expect(report.content).toMatchObject({ configsRead: 1, manifestsEnriched: MANIFESTS, errors: [] });
    expect(await db.prisma.inventoryManifest.count({ where: { enrichedAt: null } })).toBe(0);
    expect(await db.prisma.inventoryManifest.count({ where: { labels: { equals: labels } } })).toBe(MANIFESTS);
    expect(await db.prisma.inventoryLabel.count()).toBe(MANIFESTS * Object.keys(labels).length);
  });
});
