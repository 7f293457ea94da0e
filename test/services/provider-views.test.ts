/**
 * The scan, replication, drift and lifecycle services over the three simulators (test/sim/world.ts),
 * with registries and environments configured the way dockmaster.yaml does it, on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import { tagLifecycleFor } from "@/lib/browse/tags";
import { parseConfig } from "@/lib/config/load";
import { syncConfig } from "@/lib/config/sync";
import { providerFor } from "@/lib/inventory/connection";
import { syncEnvironmentNow } from "@/lib/inventory/index/refresh";
import { driftMatrix } from "@/lib/replication/drift";
import { replicationOverview, triggerReplication } from "@/lib/replication/overview";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { environmentScans, whereIsCve } from "@/lib/inventory/index/vulnerabilities";
import { artifactScanView } from "@/lib/scan/views";
import { CVES } from "../sim/fixtures";
import { startWorld, type World } from "../sim/world";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

let world: World;
const scannerByTag = (rows: Awaited<ReturnType<typeof environmentScans>>) => Object.fromEntries(rows.map((r) => [`${r.repository}:${r.tags.join(",")}`, r.scan?.scanner ?? null]));

beforeAll(async () => {
  world = await startWorld();
  Object.assign(process.env, world.env);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe.each(dbKinds)("provider-backed views on %s", (kind) => {
  let db: TestDatabase;
  const admin = { actor: { id: null, email: "admin@test" }, ip: "10.1.2.3" };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await syncConfig(db.prisma, parseConfig(world.configYaml, "dockmaster.yaml", process.env));
  });
  afterAll(async () => {
    await db?.dispose();
    expect(world.violations()).toEqual([]);
  });

  it("drift matrix: not indexed yet until synced, then from the index: tags in several environments, mismatched digests first", async () => {
    const before = await driftMatrix(db.prisma, "all");
    expect(before.environments.map((e) => [e.name, e.asOf])).toEqual([["dev", null], ["staging", null], ["prod", null]]);
    expect(before.rows).toEqual([]);
    // "Sync now" for each environment reads Hub, ECR and Harbor through their providers into the index
    for (const env of ["dev", "staging", "prod"]) expect((await syncEnvironmentNow(db.prisma, admin, env)).errors).toEqual([]);
    const m = await driftMatrix(db.prisma, "all");
    expect(m.environments.map((e) => [e.name, e.registryKind, e.state])).toEqual([
      ["dev", "dockerhub", "fresh"],
      ["staging", "ecr", "fresh"],
      ["prod", "harbor", "fresh"],
    ]);
    expect(m.environments.every((e) => e.asOf && Date.now() - e.asOf.getTime() < 60_000)).toBe(true);
    const d = world.digests;
    expect(m.rows.map((r) => [r.repository, r.tag, r.consistent])).toEqual([
      ["api", "v1", false],
      ["web", "1.1", false],
      ["web", "1.0", true],
    ]);
    expect(m.mismatches).toBe(2);
    const web11 = m.rows.find((r) => r.repository === "web" && r.tag === "1.1")!;
    expect(web11.cells).toEqual({
      dev: { digest: d["dev/web:1.1"], repository: "acme/web" },
      staging: { digest: d["staging/web:1.1"], repository: "staging/web" },
      prod: { digest: d["prod/web:1.1"], repository: "prod/web" },
    });
    expect(d["dev/web:1.1"]).toBe(d["staging/web:1.1"]);
    expect(d["prod/web:1.1"]).not.toBe(d["dev/web:1.1"]);
    expect(m.rows.find((r) => r.tag === "2.0")).toBeUndefined();
  });

  it("scans reach the index during each environment's sync: Harbor and ECR reports, a Trivy referrer on the Hub", async () => {
    const envs = await db.prisma.environment.findMany({ include: { registry: true }, orderBy: { order: "asc" } });
    for (const e of envs) {
      const provider = providerFor(e.registry); // cached per registry: the other views use it too
      const r = await syncEnvironment(db.prisma, { environment: e.name, namespace: e.namespace, provider }, { mode: "full" });
      expect([e.name, r.errors, r.content?.errors]).toEqual([e.name, [], []]);
    }
  });

  it("environment scans, worst first, from the index: Harbor reports in prod", async () => {
    const rows = await environmentScans(db.prisma, "all", "prod");
    expect(rows.map((r) => [r.repository, r.tags, r.scan?.counts.critical, r.scan?.counts.high, r.scan?.fixable])).toEqual([
      ["prod/web", ["1.1"], 1, 1, 2],
      ["prod/web", ["1.0"], 0, 1, 1],
    ]);
  });

  it("environment scans on a plain registry: the Trivy report attached as a referrer; unscanned images last", async () => {
    const rows = await environmentScans(db.prisma, "all", "dev");
    expect(rows[0]).toMatchObject({ repository: "acme/web", tags: ["2.0"], scan: { scanner: "Trivy dev", origin: "referrer", scannedAt: new Date("2021-08-25T12:20:30.000Z") } });
    // The Hub has no scanner, but 1.1 is the very image ECR scanned in staging and 1.0 the one Harbor
    // scanned in prod: a scan belongs to the digest, wherever it runs.
    expect(scannerByTag(rows)).toEqual({ "acme/web:2.0": "Trivy dev", "acme/web:1.1": "Amazon ECR basic scanning", "acme/web:1.0": "Trivy v0.50.0", [`${rows[3]!.repository}:${rows[3]!.tags.join(",")}`]: null });
    expect(rows[3]!.scan).toBeNull();
    expect(rows).toHaveLength(4);
  });

  it("environment scans on ECR: basic and enhanced findings", async () => {
    const rows = await environmentScans(db.prisma, "all", "staging");
    expect(rows[0]).toMatchObject({ repository: "staging/web", tags: ["1.1"], scan: { scanner: "Amazon ECR basic scanning" } });
    // ECR has no report of 1.0, Harbor has (the same image runs in prod)
    expect(scannerByTag(rows)).toEqual({ "staging/web:1.1": "Amazon ECR basic scanning", "staging/api:v1": "Amazon Inspector (ECR enhanced scanning)", "staging/web:1.0": "Trivy v0.50.0" });
  });

  it("where is CVE-2019-14697: in every environment that carries it, from three kinds of report, one query", async () => {
    const hits = await whereIsCve(db.prisma, "all", "cve-2019-14697");
    expect(hits.map((h) => [h.environment, h.repository, h.tag, h.package]).sort()).toEqual([
      ["dev", "acme/web", "1.1", "musl"],
      ["dev", "acme/web", "2.0", "musl"],
      ["dev", "acme/web", "2.0", "musl-utils"],
      ["prod", "prod/web", "1.1", "musl"],
      ["staging", "staging/web", "1.1", "musl"],
    ]);
    expect(await whereIsCve(db.prisma, ["staging"], "CVE-2019-14697")).toHaveLength(1);
    expect(await whereIsCve(db.prisma, "all", "CVE-1999-0001")).toEqual([]);
  });

  it("one artifact: the normalized report with Harbor's labels, or ECR's replication status", async () => {
    const h = await artifactScanView(db.prisma, "harbor", "prod/web", "1.1");
    expect(h?.digest).toBe(world.digests["prod/web:1.1"]);
    expect(h?.report?.findings.map((f) => f.id)).toEqual([CVES.musl.id, CVES.bash.id, CVES.openssl.id]);
    expect(h?.metadata).toMatchObject({ labels: [{ name: "release" }], immutableTags: ["1.1"], lastPulledAt: "2026-02-03T07:00:00Z" });
    const e = await artifactScanView(db.prisma, "ecr", "staging/web", "1.1");
    expect(e?.report?.source).toBe("ecr-basic");
    expect(e?.replication?.map((s) => s.status)).toEqual(["COMPLETE", "FAILED"]);
  });

  it("replication overview: Harbor policies with their failed run, ECR rules with per-image status of the images the index holds", async () => {
    // the images come from the index (re-syncing an indexed environment changes nothing)
    await syncEnvironmentNow(db.prisma, admin, "staging");
    const o = await replicationOverview(db.prisma);
    const harbor = o.find((r) => r.registry === "harbor")!;
    const scheduled = harbor.policies.map((p) => [p.name, p.executions.find((e) => e.trigger === "scheduled")]);
    expect(scheduled).toMatchObject([["prod-to-dr", { status: "Failed", failed: 1, succeeded: 1, message: "1 of 2 tasks failed" }]]);
    expect(Object.values(harbor.failedTasks).flat().map((t) => t.source)).toEqual(["prod/web:1.1"]);
    const ecr = o.find((r) => r.registry === "ecr")!;
    expect(ecr.policies[0]).toMatchObject({ trigger: "on push", triggerable: false });
    const web11 = ecr.images.find((i) => i.repository === "staging/web" && i.tag === "1.1");
    expect(web11?.statuses.map((s) => `${s.destination} ${s.status}`)).toEqual(["eu-central-1 / 123456789012 COMPLETE", "us-east-1 / 123456789012 FAILED"]);
    expect(ecr.images.every((i) => i.environment === "staging")).toBe(true);
    expect(o.find((r) => r.registry === "hub")).toBeUndefined();
  });

  it("triggering a replication starts it on Harbor and is audited; a refusal is audited too", async () => {
    const before = world.harbor.startedExecutions.length;
    const started = await triggerReplication(db.prisma, admin, "harbor", "1");
    expect(started.policy).toBe("prod-to-dr");
    expect(world.harbor.startedExecutions.length - before).toBe(1);
    await expect(triggerReplication(db.prisma, admin, "ecr", "rule-1")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(triggerReplication(db.prisma, admin, "harbor", "99")).rejects.toThrow("has no replication policy 99");
    const { rows } = await listAudit(db.prisma, { action: "replication.trigger" });
    expect(rows.map((r) => [r.outcome, r.targetId, (r.detail as { executionId?: string }).executionId ?? null])).toEqual([
      ["failure", "harbor", null],
      ["success", "harbor", started.executionId],
    ]);
    expect(rows[1]).toMatchObject({ actorEmail: "admin@test", sourceIp: "10.1.2.3" });
  });

  it("tag lifecycle for the repository page, from each provider", async () => {
    const registry = async (name: string) => providerFor(await db.prisma.registry.findUniqueOrThrow({ where: { name } }));
    const harbor = await tagLifecycleFor(await registry("harbor"), "prod/web");
    expect(harbor?.byTag["1.0"]).toMatchObject({ immutable: true, wouldBeRemoved: { by: "retention dry run 2026-02-02" } });
    const ecr = await tagLifecycleFor(await registry("ecr"), "staging/web");
    expect(ecr?.byTag["1.0"]?.wouldBeRemoved?.by).toBe("lifecycle rule 1");
    expect(ecr?.byTag["1.1"]).toMatchObject({ immutable: true, lastPulledAt: "2026-02-02T10:00:00.000Z" });
    const hub = await tagLifecycleFor(await registry("hub"), "acme/web");
    expect(hub?.byTag["1.0"]).toMatchObject({ immutable: true, lastPulledAt: "2026-02-03T08:00:00.000000Z" });
    expect(hub?.report.policy).toBeUndefined();
  });
});
