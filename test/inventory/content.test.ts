/**
 * The index's content beyond tags, against a real docker-registry on PGlite and PostgreSQL: config
 * created/labels read once per distinct config (never again), hostile labels capped, referrers
 * recorded from subject fields, cosign tags and the referrers listing, and a Trivy report attached
 * as a referrer ingested as a scan summary with its vulnerability occurrences, which "where is CVE-X"
 * finds, scoped to the environments a caller may see.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LABEL_KEY, MAX_LABEL_VALUE, MAX_LABELS } from "@/lib/inventory/index/enrich";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { environmentScans, whereIsCve } from "@/lib/inventory/index/vulnerabilities";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "@/lib/scan/referrers";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage, buildReferrer } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushReferrer, SBOM_ARTIFACT_TYPE } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { createEnvironments, stopAll } from "../harness/teardown";

const trivyReport = () => readFileSync(path.join(import.meta.dirname, "../sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));

describe.each(dbKinds)("inventory content on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let seeder: OciProvider;
  let provider: OciProvider;
  const labelled = buildImage({ layerSize: 64, created: "2025-03-04T05:06:07Z", labels: { team: "payments", "org.opencontainers.image.source": "https://git.example/pay" } });
  // the same config (same layers, created and labels), a different manifest: its config must not be read again
  const sameConfig = buildImage({ layers: labelled.layers, diffIds: (labelled.configJson.rootfs as { diff_ids: string[] }).diff_ids, created: "2025-03-04T05:06:07Z", labels: { team: "payments", "org.opencontainers.image.source": "https://git.example/pay" }, annotations: { variant: "b" } });
  const hostileLabels: Record<string, unknown> = { ["k".repeat(MAX_LABEL_KEY + 1)]: "too long a key", "a-nested": { a: 1 }, "a-number": 7, "a-nul": "a\u0000b", "a-huge": "v".repeat(10_000) };
  for (let i = 0; i < 100; i++) hostileLabels[`label-${String(i).padStart(3, "0")}`] = `value ${i}`;
  const hostile = buildImage({ layerSize: 64, labels: hostileLabels as Record<string, string> });
  const signature = buildImage({ layerSize: 32, labels: {} });
  const target = () => ({ environment: "dev", namespace: "dev", provider });
  const configGets = () => proxy.requestsTo(/\/blobs\//, "GET").filter((r) => r.path.endsWith(labelled.config.digest) || r.path.endsWith(hostile.config.digest));

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry({ deleteEnabled: true });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    await pushImage(seeder, "dev/api", labelled, "1.0");
    await pushImage(seeder, "dev/api", sameConfig, "1.0-b");
    await pushImage(seeder, "dev/hostile", hostile, "x");
    // cosign's tag scheme: the signature of 1.0 beside it
    await pushImage(seeder, "dev/api", signature, `sha256-${labelled.manifest.digest.slice(7)}.sig`);
    // an SBOM with subject = 1.0, tagged so the sync indexes it
    const sbom = buildReferrer(labelled.manifest, { artifactType: SBOM_ARTIFACT_TYPE, payload: new TextEncoder().encode("{}"), payloadMediaType: "application/spdx+json" });
    await pushReferrer(seeder, "dev/api", sbom);
    await seeder.putManifest("dev/api", "sbom-1.0", sbom.manifest.bytes, sbom.manifest.mediaType);
    // a Trivy report attached to 1.0 (untagged: Distribution 2.8 lists it in the referrers tag schema's index)
    await pushReferrer(seeder, "dev/api", buildReferrer(labelled.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: trivyReport(), payloadMediaType: "application/json" }));
    proxy = await startFaultProxy(registry.url);
    provider = createOciProvider({ name: "dev-registry", url: proxy.url, auth: { kind: "anonymous" } });
    await createEnvironments(db.prisma, registry.url, ["dev", "prod"]);
  });
  afterAll(() => stopAll(provider, seeder, proxy, registry, db));

  it("a full sync reads each distinct config once and indexes created and labels", async () => {
    proxy.reset();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.errors).toEqual([]);
    expect(configGets().map((r) => r.path.split("/").pop()).sort()).toEqual([labelled.config.digest, hostile.config.digest].sort());
    for (const digest of [labelled.manifest.digest, sameConfig.manifest.digest]) {
      const m = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest } });
      expect(m.created?.toISOString()).toBe("2025-03-04T05:06:07.000Z");
      expect(m.labels).toEqual({ team: "payments", "org.opencontainers.image.source": "https://git.example/pay" });
      expect(m.enrichedAt).toBeInstanceOf(Date);
    }
    expect(await db.prisma.inventoryLabel.count({ where: { digest: labelled.manifest.digest } })).toBe(2);
  });

  it("hostile labels: strings only, long keys dropped, values cut, control characters removed, at most MAX_LABELS", async () => {
    const m = await db.prisma.inventoryManifest.findUniqueOrThrow({ where: { digest: hostile.manifest.digest } });
    const labels = m.labels as Record<string, string>;
    expect(Object.keys(labels)).toHaveLength(MAX_LABELS);
    expect(Object.keys(labels).every((k) => k.length <= MAX_LABEL_KEY)).toBe(true);
    expect(labels).not.toHaveProperty("a-nested");
    expect(labels).not.toHaveProperty("a-number");
    expect(labels["a-huge"]).toHaveLength(MAX_LABEL_VALUE);
    expect(labels["a-nul"]).toBe("ab");
    expect(await db.prisma.inventoryLabel.count({ where: { digest: hostile.manifest.digest } })).toBe(MAX_LABELS);
  });

  it("records referrers from the subject field, cosign's tag scheme and the referrers listing", async () => {
    const rows = await db.prisma.inventoryReferrer.findMany({ where: { subject: labelled.manifest.digest }, orderBy: [{ how: "asc" }, { referrer: "asc" }] });
    const hows = rows.map((r) => [r.how, r.artifactType, r.environment, r.repository]);
    expect(hows).toContainEqual(["subject", SBOM_ARTIFACT_TYPE, "dev", "dev/api"]);
    expect(hows).toContainEqual(["cosign_tag", "application/vnd.dev.cosign.simplesigning.v1+json", "dev", "dev/api"]);
    expect(rows.find((r) => r.how === "cosign_tag")?.referrer).toBe(signature.manifest.digest);
    // Distribution 2.8 has no referrers API: the listing came from the referrers tag schema's index
    expect(hows).toContainEqual(["referrers_tag", TRIVY_REPORT_ARTIFACT_TYPE, "dev", "dev/api"]);
  });

  it("ingests the Trivy referrer as the digest's scan, and where-is-CVE finds every tag on it", async () => {
    const scan = await db.prisma.inventoryScan.findUniqueOrThrow({ where: { digest: labelled.manifest.digest } });
    expect(scan).toMatchObject({ origin: "referrer", scanner: "Trivy dev", critical: 2, high: 0, fixable: 2, registry: "dev-registry" });
    expect(scan.fixableBySeverity).toMatchObject({ critical: 2 });
    const hits = await whereIsCve(db.prisma, "all", "cve-2019-14697");
    expect(hits.map((h) => `${h.environment} ${h.repository}:${h.tag} ${h.package} ${h.fixedVersion} ${h.severity}`)).toEqual([
      "dev dev/api:1.0 musl 1.1.20-r5 critical",
      "dev dev/api:1.0 musl-utils 1.1.20-r5 critical",
    ]);
    // a viewer of prod only: nothing from dev
    expect(await whereIsCve(db.prisma, ["prod"], "CVE-2019-14697")).toEqual([]);
    const worstFirst = await environmentScans(db.prisma, "all", "dev");
    expect(worstFirst[0]).toMatchObject({ repository: "dev/api", digest: labelled.manifest.digest, tags: ["1.0"], scan: { counts: { critical: 2 } } });
  });

  it("a second sync reads no config, no referrers listing and no report again", async () => {
    proxy.reset();
    const report = await syncEnvironment(db.prisma, target(), { mode: "full" });
    expect(report.content).toMatchObject({ configsRead: 0, scansStored: 0, errors: [] });
    expect(proxy.requestsTo(/\/blobs\//)).toEqual([]);
    expect(proxy.requestsTo(/\/referrers\//)).toEqual([]);
  });
});
