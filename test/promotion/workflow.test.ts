import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/enforce";
import { AuthError } from "@/lib/auth/enforce";
import { environmentProvider } from "@/lib/browse/lookup";
import type { Role } from "@/lib/auth/policy";
import { createOciProvider, type RegistryProvider } from "@/lib/registry";
import type { PromotionDeps } from "@/lib/promotion/deps";
import { PromotionError } from "@/lib/promotion/errors";
import { runPromotion, rollbackPromotion } from "@/lib/promotion/execute";
import { failInterruptedPromotions } from "@/lib/promotion/recover";
import { scanLookup } from "@/lib/promotion/scan-gate";
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { GateResult } from "@/lib/promotion/gates";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "@/lib/scan/referrers";
import { defaultVerifiers } from "@/lib/signature/default-verifiers";
import { parsePublicKey } from "@/lib/signature/keys";
import { buildSignatureManifest, pushSignature, sigTag, signPayload, simpleSigningPayload } from "../harness/cosign";
import { buildImage, buildReferrer } from "../harness/image-builder";
import { pushImage, pushReferrer } from "../harness/seed";
import { approvePromotion, overrideGates, rejectPromotion, requestPromotion, retryPromotion } from "@/lib/promotion/service";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { seedStandardImages, type SeededStandardImages } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { createPrincipal } from "../support/principals";

let db: TestDatabase;
let devReg: RunningRegistry;
let prodReg: RunningRegistry;
let proxy: FaultProxy;
let dev: RegistryProvider;
let prod: RegistryProvider;
let seed: SeededStandardImages;
let prodSeed: SeededStandardImages;
let deps: PromotionDeps;
const scheduled: string[] = [];
const people: Record<string, Principal> = {};

async function person(email: string, grants: { role: Role; env: string | null }[]) {
  people[email.split("@")[0]!] = await createPrincipal(db.prisma, email, grants, "192.0.2.10");
}

const setProdPolicy = (policy: object) => db.prisma.environment.update({ where: { name: "prod" }, data: { policy } });
const request = (who: string, extra: Partial<Parameters<typeof requestPromotion>[2]> = {}) =>
  requestPromotion(deps, people[who]!, { sourceEnv: "dev", repository: seed.single.repository, reference: seed.single.tag, targetEnv: "prod", tag: "1.0.0", reason: "release 1.0", ...extra });

beforeAll(async () => {
  [devReg, prodReg] = await Promise.all([startRegistry(), startRegistry({ auth: "htpasswd", users: [{ username: "ci", password: "prod-pw" }] })]);
  proxy = await startFaultProxy(devReg.url);
  dev = createOciProvider({ name: "dev", url: devReg.url, auth: { kind: "anonymous" } });
  prod = createOciProvider({ name: "prod", url: prodReg.url, auth: { kind: "basic", username: "ci", password: "prod-pw" } });
  seed = await seedStandardImages(dev, { namespace: "dev" });
  prodSeed = await seedStandardImages(prod, { namespace: "prod" });

  db = await openTestDatabase("pglite");
  process.env.PROMO_TEST_PROD_PW = "prod-pw";
  const a = await db.prisma.registry.create({ data: { name: "reg-dev", kind: "oci", url: devReg.url } });
  const b = await db.prisma.registry.create({ data: { name: "reg-prod", kind: "oci", url: prodReg.url, username: "ci", secretEnvRef: "PROMO_TEST_PROD_PW" } });
  const c = await db.prisma.registry.create({ data: { name: "reg-dev-proxy", kind: "oci", url: proxy.url } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: a.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "devproxy", order: 1, registryId: c.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: b.id, namespace: "prod", protected: true, policy: {} } });
  deps = {
    prisma: db.prisma,
    environment: (name) => environmentProvider(db.prisma, name),
    scans: scanLookup,
    schedule: (id) => scheduled.push(id),
  };
  await person("viewer@x.io", [{ role: "viewer", env: null }]);
  await person("dev@x.io", [{ role: "developer", env: null }]);
  await person("devlead@x.io", [{ role: "developer", env: null }, { role: "approver", env: "prod" }]);
  await person("approver@x.io", [{ role: "approver", env: "prod" }, { role: "viewer", env: null }]);
  await person("devapprover@x.io", [{ role: "approver", env: "dev" }, { role: "developer", env: null }]);
  await person("admin@x.io", [{ role: "admin", env: null }]);
});

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
  await proxy?.stop();
  await db?.dispose();
  await Promise.all([devReg?.stop(), prodReg?.stop()]);
});

beforeEach(async () => {
  scheduled.length = 0;
  proxy.reset();
  await setProdPolicy({});
});

describe("who may do what (refused on the server)", () => {
  it("a viewer cannot request a promotion", async () => {
    await expect(request("viewer")).rejects.toThrow(AuthError);
    await expect(request("viewer")).rejects.toThrow("You need the developer role (or higher) in environment prod to request promotions.");
    expect(await db.prisma.promotion.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { action: "permission.denied", actorEmail: "viewer@x.io" } })).toBe(2);
  });

  it("the requester can never approve their own request, even holding the approver role", async () => {
    const p = await request("devlead");
    const err = await approvePromotion(deps, people.devlead!, p.id).catch((e) => e);
    expect(err).toBeInstanceOf(PromotionError);
    expect(err.kind).toBe("forbidden");
    expect((await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("requested");
    expect(scheduled).toEqual([]);
  });

  it("a developer, or an approver of another environment, cannot approve into prod", async () => {
    const p = await request("devlead");
    await expect(approvePromotion(deps, people.dev!, p.id)).rejects.toThrow('You need the approver role (or higher) in environment prod to approve promotions.');
    await expect(approvePromotion(deps, people.devapprover!, p.id)).rejects.toThrow('You need the approver role (or higher) in environment prod to approve promotions.');
    expect(await db.prisma.promotionApproval.count({ where: { promotionId: p.id } })).toBe(0);
  });
});

describe("the workflow against two real registries", () => {
  it("request → approval by someone else → copy → verified by digest; rollback restores the old digest", async () => {
    const p = await request("dev");
    expect(p).toMatchObject({ status: "requested", approvalsRequired: 1, gatesPassed: true, digest: seed.single.digest, targetRepository: "prod/single", previousDigest: prodSeed.single.digest });
    expect((await approvePromotion(deps, people.approver!, p.id, "looks good")).ready).toBe(true);
    expect(scheduled).toEqual([p.id]);
    expect(await runPromotion(deps, p.id)).toBe("verified");
    expect(await runPromotion(deps, p.id)).toBe("not-claimed");
    expect((await prod.headManifest("prod/single", "1.0.0"))?.digest).toBe(seed.single.digest);
    const done = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id }, include: { events: true } });
    expect(done.status).toBe("verified");
    expect(done.previousDigest).toBe(prodSeed.single.digest);
    expect(done.progress).toMatchObject({ copied: 3, blobsTotal: 3 });
    expect(done.events.map((e) => e.kind)).toEqual(["request", "approve", "copy-start", "verified"]);

    await expect(rollbackPromotion(deps, people.dev!, p.id, "bad release")).rejects.toThrow(AuthError);
    await rollbackPromotion(deps, people.approver!, p.id, "bad release");
    expect((await prod.headManifest("prod/single", "1.0.0"))?.digest).toBe(prodSeed.single.digest);
    expect((await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("rolled_back");
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: `#${p.number}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["promotion.request", "promotion.approve", "promotion.copy-start", "promotion.verified", "promotion.rollback"]);
  });

  it("copies a whole multi-arch index; re-promotion sends zero blob bytes", async () => {
    const input = { repository: seed.multiArch.repository, reference: seed.multiArch.digest, tag: "2.0.0" };
    const first = await request("dev", input);
    await approvePromotion(deps, people.approver!, first.id);
    expect(await runPromotion(deps, first.id)).toBe("verified");
    const again = await request("dev", { ...input, tag: "2.0.0-again" });
    await approvePromotion(deps, people.approver!, again.id);
    expect(await runPromotion(deps, again.id)).toBe("verified");
    const row = await db.prisma.promotion.findUniqueOrThrow({ where: { id: again.id } });
    expect(row.plan).toMatchObject({ copy: 0, bytesToSend: 0, skip: 6 });
    expect(row.progress).toMatchObject({ bytesSent: 0, copied: 0 });
  });

  it("a wrong digest injected by a proxy fails the copy, never verified; a retry resumes and verifies", async () => {
    const layer = seed.docker.image.layers[1]!.digest;
    proxy.addRule({ method: "GET", path: new RegExp(`/blobs/${layer}`), action: { kind: "corrupt", offset: 10, count: 3 } });
    const p = await requestPromotion(deps, people.dev!, { sourceEnv: "devproxy", repository: seed.docker.repository, reference: seed.docker.tag, targetEnv: "prod", tag: "legacy-1", reason: "test" });
    await approvePromotion(deps, people.approver!, p.id);
    expect(await runPromotion(deps, p.id)).toBe("failed");
    const failed = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } });
    expect(failed).toMatchObject({ status: "failed", errorKind: "digest_mismatch" });
    expect(failed.error).toContain(layer);
    expect(await prod.headManifest("prod/docker", "legacy-1")).toBeNull();

    proxy.reset();
    await expect(retryPromotion(deps, people.viewer!, p.id)).rejects.toThrow(AuthError);
    await retryPromotion(deps, people.dev!, p.id);
    expect(await runPromotion(deps, p.id)).toBe("verified");
    expect((await prod.headManifest("prod/docker", "legacy-1"))?.digest).toBe(seed.docker.digest);
    const row = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.attempts).toBe(2);
    expect((row.plan as { skip: number }).skip).toBeGreaterThan(0);
  });

  it("refuses an immutable, taken tag at the gate; only an admin with a written justification can override", async () => {
    await setProdPolicy({ immutableTags: true });
    const p = await request("dev", { repository: seed.docker.repository, reference: seed.docker.tag, tag: "legacy" });
    expect(p.gatesPassed).toBe(false);
    expect(p.gates).toEqual(expect.arrayContaining([expect.objectContaining({ id: "target-tag", status: "fail" })]));
    expect((await approvePromotion(deps, people.approver!, p.id)).ready).toBe(false);
    expect((await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("requested");
    await expect(overrideGates(deps, people.approver!, p.id, "we really need it")).rejects.toThrow(AuthError);
    await expect(overrideGates(deps, people.admin!, p.id, "because")).rejects.toThrow(/written justification/);
    expect((await overrideGates(deps, people.admin!, p.id, "incident 4711: hotfix must replace the tag")).ready).toBe(true);
    expect(scheduled).toEqual([p.id]);
  });

  it("requires a signature verified with the environment's key: a signature-looking referrer alone no longer counts", async () => {
    const release = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const trust = { keys: [parsePublicKey("release", release.publicKey.export({ type: "spki", format: "pem" }).toString())], minSignatures: 1 };
    const signing = { ...deps, signatures: { trust: (env: string) => (env === "prod" ? trust : undefined), verifiers: defaultVerifiers } };
    await setProdPolicy({ signature: { keys: [{ name: "release", publicKey: "(loaded at start-up)" }], minSignatures: 1 } });
    const asSigned = (extra: Partial<Parameters<typeof requestPromotion>[2]>) => requestPromotion(signing, people.dev!, { sourceEnv: "dev", repository: seed.single.repository, reference: seed.single.tag, targetEnv: "prod", tag: "1.0.0", reason: "release 1.0", ...extra });

    const unsigned = await asSigned({});
    expect(unsigned.gates).toEqual([expect.objectContaining({ id: "source-present", status: "pass" }), expect.objectContaining({ id: "signature", status: "fail" })]);
    // the seeded "signed" image carries a cosign-typed referrer whose signature is no signature
    const fake = await asSigned({ repository: seed.signed.repository, reference: seed.signed.tag, tag: "signed-1" });
    expect(fake.gatesPassed).toBe(false);
    expect((fake.gates as unknown as GateResult[])[1]!.signatures).toEqual([expect.objectContaining({ format: "cosign", foundVia: "referrer", verified: false, reason: expect.stringMatching(/^not a valid signature: /) })]);

    const payload = simpleSigningPayload(seed.single.digest);
    await pushSignature(dev, seed.single.repository, buildSignatureManifest([{ payload, signature: signPayload(release.privateKey, payload) }]), sigTag(seed.single.digest));
    const signed = await asSigned({});
    expect(signed.gatesPassed).toBe(true);
    expect((signed.gates as unknown as GateResult[])[1]!.signatures).toEqual([expect.objectContaining({ foundVia: "tag", verified: true, reason: "signed by key release (ecdsa-p256)" })]);
    await dev.deleteManifest(seed.single.repository, (await dev.headManifest(seed.single.repository, sigTag(seed.single.digest)))!.digest);
  });

  it("scan gates fail plainly when no scan report exists", async () => {
    await setProdPolicy({ maxFindings: { critical: 0 }, maxScanAgeDays: 7 });
    const p = await request("dev");
    expect(p.gates).toEqual(expect.arrayContaining([expect.objectContaining({ id: "scan-findings", status: "fail", detail: "no vulnerability scan report was found for this digest" })]));
  });

  it("reads scan gates from a Trivy report attached to the digest as a referrer", async () => {
    const report = readFileSync(path.join(import.meta.dirname, "../sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));
    const trivy = buildReferrer(seed.docker.image.manifest, { artifactType: "application/vnd.aquasecurity.trivy.report+json", payload: report, payloadMediaType: "application/json" });
    await pushReferrer(dev, seed.docker.repository, trivy);
    const docker = { repository: seed.docker.repository, reference: seed.docker.tag, tag: "legacy-scanned" };

    await setProdPolicy({ maxFindings: { critical: 0, high: 10 }, noFixableCritical: true, maxScanAgeDays: 7 });
    const strict = await request("dev", docker);
    const byId = Object.fromEntries((strict.gates as { id: string; status: string; detail: string }[]).map((g) => [g.id, g]));
    expect(byId["scan-findings"]).toMatchObject({ status: "fail" });
    expect(byId["scan-findings"]!.detail).toBe("critical 2, high 0, medium 0 — over the limit: critical (Trivy dev)");
    expect(byId["fixable-critical"]).toMatchObject({ status: "fail", detail: "2 critical finding(s) have a fixed version available" });
    expect(byId["scan-age"]).toMatchObject({ status: "fail" });
    expect(byId["scan-age"]!.detail).toMatch(/^scanned 2021-08-25/);

    // the same report within looser limits: CVE-2019-14697 in musl and musl-utils = 2 criticals
    await setProdPolicy({ maxFindings: { critical: 2 } });
    expect((await request("dev", docker)).gatesPassed).toBe(true);
  });

  describe("scan evidence: every report counts as a claim, the worst valid one decides", () => {
    const realReport = () => readFileSync(path.join(import.meta.dirname, "../sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));
    const emptyReport = (createdAt: string) => new TextEncoder().encode(JSON.stringify({ SchemaVersion: 2, CreatedAt: createdAt, Trivy: { Version: "0.74.0" }, ArtifactName: "forged", Results: [] }));
    let n = 0;
    /** a fresh image in dev with the given Trivy reports attached; returns the request for it */
    async function scanned(...reports: { payload: Uint8Array; created: string }[]) {
      const image = buildImage({ layerCount: 1, layerSize: 128 });
      const tag = `scanned-${++n}`;
      await pushImage(dev, "dev/scanned", image, tag);
      for (const r of reports) {
        await pushReferrer(dev, "dev/scanned", buildReferrer(image.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: r.payload, payloadMediaType: "application/json", annotations: { "org.opencontainers.image.created": r.created } }));
      }
      return { repository: "dev/scanned", reference: tag, tag };
    }
    const gate = (p: { gates: unknown }, id: string) => (p.gates as GateResult[]).find((g) => g.id === id);
    const soon = () => new Date(Date.now() - 86_400_000).toISOString();

    it("an empty report dated 2099 does not outrank the real one: future dates are refused", async () => {
      await setProdPolicy({ maxFindings: { critical: 0 }, maxScanAgeDays: 36500 });
      const p = await request("dev", await scanned({ payload: realReport(), created: "2021-08-25T12:20:30Z" }, { payload: emptyReport("2099-01-01T00:00:00Z"), created: "2099-01-01T00:00:00Z" }));
      expect(gate(p, "scan-findings")).toMatchObject({ status: "fail", detail: "critical 2, high 0, medium 0 — over the limit: critical (Trivy dev)" });
      const reports = gate(p, "scan-report")!.reports!;
      expect(reports).toHaveLength(2);
      expect(reports.find((r) => r.used)).toMatchObject({ origin: "referrer", scanner: "Trivy dev", counts: { critical: 2 } });
      expect(reports.find((r) => !r.used)).toMatchObject({ origin: "referrer", scannedAt: "2099-01-01T00:00:00Z" });
      expect(reports.find((r) => !r.used)!.why).toMatch(/in the future/);
    });

    it("a future date only in the referrer's annotation is refused too, so no report is left", async () => {
      await setProdPolicy({ maxFindings: { critical: 0 } });
      const p = await request("dev", await scanned({ payload: emptyReport(soon()), created: "2099-01-01T00:00:00Z" }));
      expect(gate(p, "scan-findings")).toMatchObject({ status: "fail" });
      expect(gate(p, "scan-report")).toMatchObject({ status: "fail" });
      expect(gate(p, "scan-report")!.reports![0]!.why).toMatch(/2099-01-01T00:00:00Z.* in the future/);
    });

    it("among valid reports the worst decides, not the newest", async () => {
      await setProdPolicy({ maxFindings: { critical: 0 } });
      const p = await request("dev", await scanned({ payload: realReport(), created: "2021-08-25T12:20:30Z" }, { payload: emptyReport(soon()), created: soon() }));
      expect(gate(p, "scan-findings")).toMatchObject({ status: "fail" });
      const reports = gate(p, "scan-report")!.reports!;
      expect(reports.map((r) => [r.used, r.counts?.critical])).toEqual(expect.arrayContaining([[true, 2], [false, 0]]));
    });

    it("gates.scanSources: [registry] does not count referrer reports, and says so", async () => {
      await setProdPolicy({ maxFindings: { critical: 5 }, scanSources: ["registry"] });
      const p = await request("dev", await scanned({ payload: realReport(), created: "2021-08-25T12:20:30Z" }));
      expect(gate(p, "scan-findings")).toMatchObject({ status: "fail", detail: "no vulnerability scan report was found for this digest" });
      expect(gate(p, "scan-report")!.reports).toEqual([expect.objectContaining({ origin: "referrer", used: false, why: expect.stringMatching(/scanSources/) })]);
    });
  });

  it("auto-approves into an unprotected environment when every gate passes", async () => {
    const p = await requestPromotion(deps, people.dev!, { sourceEnv: "prod", repository: prodSeed.single.repository, reference: prodSeed.single.digest, targetEnv: "dev", tag: "from-prod", reason: "backport" });
    expect(p.status).toBe("approved");
    expect(scheduled).toEqual([p.id]);
  });

  it("rejects with a reason, after which nobody can approve", async () => {
    const p = await request("dev");
    await expect(rejectPromotion(deps, people.approver!, p.id, "")).rejects.toThrow(/reason/);
    await rejectPromotion(deps, people.approver!, p.id, "not this week");
    await expect(approvePromotion(deps, people.admin!, p.id)).rejects.toThrow(/rejected, not awaiting approval/);
  });

  it("marks a copy interrupted by a dead process as failed so it can be retried", async () => {
    const p = await request("dev", { tag: "interrupted" });
    await db.prisma.promotion.update({ where: { id: p.id }, data: { status: "copying" } });
    expect(await failInterruptedPromotions(db.prisma, 60_000)).toBe(0);
    expect(await failInterruptedPromotions(db.prisma, -1)).toBe(1);
    const failed = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id } });
    expect(failed).toMatchObject({ status: "failed", errorKind: "interrupted" });
    expect(failed.error).toMatch(/no progress .* retry to resume/);
    // a second sweep finds nothing left to mark
    expect(await failInterruptedPromotions(db.prisma, -1)).toBe(0);
  });
});
