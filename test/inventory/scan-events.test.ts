/**
 * Scan reports from a registry with its own scanner, through the Harbor simulator (swagger-checked)
 * in front of a real docker-registry, on PGlite: the sync reads the report of an image that has one,
 * and the simulator's "scanning completed" webhook, received as the events route receives it, makes
 * the re-read queue replace the digest's report and its vulnerability occurrences.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveRegistryEvents, type RereadRequest } from "@/lib/inventory/index/events/receive";
import { createRereadQueue } from "@/lib/inventory/index/reread-queue";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { whereIsCve } from "@/lib/inventory/index/vulnerabilities";
import { providerFor } from "@/lib/inventory/connection";
import type { RegistryProvider } from "@/lib/registry";
import { createOciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { CVES, harborReport } from "../sim/fixtures";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";
import { openTestDatabase, type TestDatabase } from "../support/db";

const users = [{ username: "admin", password: "Harbor12345" }];
const SECRET = "scan-events-secret";

describe("scan reports from Harbor: during sync and on its scan-completed webhook", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let sim: HarborSim;
  let provider: RegistryProvider;
  let appDigest: string;
  let scannedDigest: string;
  const env = { ...process.env, HARBOR_SIM_PASSWORD: "Harbor12345", EVENTS_SECRET: SECRET };
  const where = async (cve: string) => (await whereIsCve(db.prisma, "all", cve)).map((h) => `${h.environment} ${h.repository}:${h.tag} ${h.package} ${h.severity}`);

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    registry = await startRegistry({ auth: "htpasswd", users });
    sim = await startHarborSim({ registryUrl: registry.url, users });
    const pusher = createOciProvider({ name: "push", url: sim.url, auth: { kind: "basic", username: "admin", password: "Harbor12345" } });
    appDigest = await pushImage(pusher, "library/app", buildImage({ layerSize: 64 }), "1.0");
    scannedDigest = await pushImage(pusher, "library/scanned", buildImage({ layerSize: 64 }), "2.0");
    await pusher.close();
    await sim.setArtifact("library/scanned", "2.0", { report: harborReport([CVES.openssl]) });
    process.env.HARBOR_SIM_PASSWORD = env.HARBOR_SIM_PASSWORD;
    const reg = await db.prisma.registry.create({ data: { name: "harbor", kind: "harbor", url: sim.url, username: "admin", secretEnvRef: "HARBOR_SIM_PASSWORD", options: { eventsSecretEnv: "EVENTS_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "prod", order: 1, registryId: reg.id, namespace: "library" } });
    provider = providerFor(reg);
  });
  afterAll(async () => {
    await provider?.close();
    await sim?.stop();
    await registry?.stop();
    await db?.dispose();
  });

  it("a sync reads the registry's report of an image that has one, and notes the one that has none", async () => {
    const report = await syncEnvironment(db.prisma, { environment: "prod", namespace: "library", provider }, { mode: "full" });
    expect(report.errors).toEqual([]);
    expect(report.content).toMatchObject({ scansStored: 1, errors: [] });
    expect(await db.prisma.inventoryScan.findUnique({ where: { digest: scannedDigest } })).toMatchObject({ origin: "registry", registry: "harbor", scanner: "Trivy v0.50.0", critical: 0, high: 0, medium: 1 });
    expect(await db.prisma.inventoryScan.findUnique({ where: { digest: appDigest } })).toBeNull();
    expect(await db.prisma.inventoryScanCheck.findUnique({ where: { digest_registry: { digest: appDigest, registry: "harbor" } } })).toMatchObject({ checkedAt: expect.any(Date) });
    expect(await where(CVES.openssl.id)).toEqual(["prod library/scanned:2.0 openssl medium"]);
  });

  it("the scan-completed webhook makes the re-read store the new report; a second one replaces its occurrences", async () => {
    const queue = createRereadQueue(async () => db.prisma);
    const deliver = async (payload: Record<string, unknown>) => {
      const asked: RereadRequest[] = [];
      const res = await receiveRegistryEvents(db.prisma, { registry: "harbor", authorization: `Bearer ${SECRET}`, token: null, body: JSON.stringify(payload) }, { env, reread: (r) => asked.push(r) });
      expect(res).toMatchObject({ status: 202, body: { applied: 1 } });
      for (const r of asked) queue.enqueue(r);
      await queue.drained();
      return asked;
    };

    await sim.setArtifact("library/app", "1.0", { report: harborReport([CVES.musl, CVES.bash]) });
    const asked = await deliver(await sim.scanCompletedWebhook("library/app", "1.0", { occurAt: 1_800_000_000 }));
    expect(asked).toEqual([{ environment: "prod", repository: "library/app", scans: [appDigest], scansOnly: true }]);
    expect(await where(CVES.musl.id)).toEqual(["prod library/app:1.0 musl critical"]);
    expect(await db.prisma.inventoryScan.findUniqueOrThrow({ where: { digest: appDigest } })).toMatchObject({ critical: 1, high: 1, fixable: 1 });

    // rescanned: the old findings go with the old report
    await sim.setArtifact("library/app", "1.0", { report: harborReport([CVES.openssl], "2026-03-01T00:00:00Z") });
    await deliver(await sim.scanCompletedWebhook("library/app", "1.0", { occurAt: 1_800_000_100 }));
    expect(await where(CVES.musl.id)).toEqual([]);
    expect(await where(CVES.openssl.id)).toEqual(["prod library/app:1.0 openssl medium", "prod library/scanned:2.0 openssl medium"]);
    expect(await db.prisma.inventoryVulnerability.count({ where: { digest: appDigest } })).toBe(1);
    expect((await db.prisma.inventoryScan.findUniqueOrThrow({ where: { digest: appDigest } })).scannedAt?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });
});
