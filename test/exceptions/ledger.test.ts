/**
 * The CVE exception ledger against a real docker-registry (Trivy report attached as a referrer) and a
 * real database: scan gates count only what no active exception accepts, exceptions stay within
 * their scope, expire by the clock, are audited, and need the approver role where they reach.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, type Principal } from "@/lib/auth/enforce";
import type { Role } from "@/lib/auth/policy";
import { environmentProvider } from "@/lib/browse/lookup";
import { FieldError } from "@/lib/errors";
import { defaultExceptionSettings } from "@/lib/exceptions/config-schema";
import { exceptionFields } from "@/lib/exceptions/fields";
import { sweepExceptions } from "@/lib/exceptions/maintenance";
import { exceptionFilter } from "@/lib/exceptions/scan-views";
import { createException, revokeException } from "@/lib/exceptions/service";
import { artifactScanView } from "@/lib/scan/views";
import { acceptInCveOccurrences, acceptInEnvironmentScans } from "@/lib/exceptions/index-views";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { environmentScans, whereIsCve } from "@/lib/inventory/index/vulnerabilities";
import { activeExceptionRules } from "@/lib/exceptions/store";
import { evaluateGates, type GateResult } from "@/lib/promotion/gates";
import { scanLookup } from "@/lib/promotion/scan-gate";
import { requestPromotion } from "@/lib/promotion/service";
import { createOciProvider, type RegistryProvider } from "@/lib/registry";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "@/lib/scan/referrers";
import { buildImage, buildReferrer } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushReferrer } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { createPrincipal } from "../support/principals";

const DAY = 86_400_000;
// the report lists CVE-2019-14697 (critical, fixed in 1.1.20-r5) in musl and musl-utils
const report = readFileSync(path.join(import.meta.dirname, "../sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));

let registry: RunningRegistry;
let dev: RegistryProvider;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  dev = createOciProvider({ name: "dev", url: registry.url, auth: { kind: "anonymous" } });
  const image = buildImage({ layerCount: 1, layerSize: 256 });
  // the same digest in two repositories, each with the same Trivy report attached
  for (const repo of ["dev/api", "dev/other"]) {
    digest = await pushImage(dev, repo, image, "1.0");
    await pushReferrer(dev, repo, buildReferrer(image.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: report, payloadMediaType: "application/json" }));
  }
});

afterAll(async () => {
  await dev?.close();
  await registry?.stop();
});

describe.each(dbKinds)("the CVE exception ledger on %s", (kind) => {
  let db: TestDatabase;
  const people: Record<string, Principal> = {};

  async function person(name: string, grants: { role: Role; env: string | null }[]) {
    people[name] = await createPrincipal(db.prisma, `${name}@x.io`, grants, "192.0.2.7");
  }

  /** the scan gates of promoting `repository`@digest from dev into prod, judged at `now` */
  async function gates(repository: string, now: Date): Promise<Record<string, GateResult>> {
    const results = await evaluateGates({
      policy: { maxFindings: { critical: 0 }, noFixableCritical: true },
      source: { provider: dev, repository, digest },
      target: { provider: dev, repository: repository.replace(/^dev\//, "prod/"), tag: "1.0", environment: "prod" },
      currentTargetDigest: null,
      scans: scanLookup,
      exceptions: { rules: await activeExceptionRules(db.prisma, now), registry: "reg" },
      now,
    });
    return Object.fromEntries(results.map((g) => [g.id, g]));
  }

  const input = (fields: Record<string, unknown>) => exceptionFields.parse({ reason: "musl is not reachable: no DNS lookups in this service", owner: "alice", ...fields });

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const reg = await db.prisma.registry.create({ data: { name: "reg", kind: "oci", url: registry.url } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "prod", order: 2, registryId: reg.id, namespace: "prod", protected: true } });
    await person("devapprover", [{ role: "approver", env: "dev" }]);
    await person("prodapprover", [{ role: "approver", env: "prod" }]);
    await person("dev", [{ role: "developer", env: null }]);
  }, 180_000); // PGlite's first open compiles its WASM: slow on a busy machine

  afterAll(async () => {
    await db?.dispose();
  });

  it("a critical CVE blocks; a digest-scoped exception lets it pass, in that repository only, until it expires", async () => {
    const now = new Date();
    const before = await gates("dev/api", now);
    expect(before["scan-findings"]).toMatchObject({ status: "fail" });
    expect(before["scan-findings"]!.detail).toBe("critical 2, high 0, medium 0 — over the limit: critical (Trivy dev)");
    expect(before["fixable-critical"]).toMatchObject({ status: "fail" });

    const expiresAt = new Date(now.getTime() + 30 * DAY);
    const e = await createException(db.prisma, people.devapprover!, input({ cve: "cve-2019-14697", scope: "digest", registry: "reg", repository: "dev/api", digest, expiresAt: expiresAt.toISOString() }), defaultExceptionSettings, now);
    expect(e).toMatchObject({ cveId: "CVE-2019-14697", scope: "digest", createdBy: "devapprover@x.io", approvedBy: "devapprover@x.io", source: "ui" });

    const after = await gates("dev/api", now);
    const note = `CVE-2019-14697 accepted until ${expiresAt.toISOString().slice(0, 10)} by devapprover@x.io: musl is not reachable: no DNS lookups in this service`;
    expect(after["scan-findings"]).toMatchObject({ status: "pass", detail: `critical 0, high 0, medium 0 (Trivy dev) — ${note}` });
    expect(after["fixable-critical"]).toMatchObject({ status: "pass" });
    expect(after["scan-findings"]!.exceptions).toEqual([
      expect.objectContaining({ id: e.id, subject: "CVE-2019-14697", scope: "digest", owner: "alice", findings: ["CVE-2019-14697 (musl)", "CVE-2019-14697 (musl-utils)"] }),
    ]);

    // the same digest in another repository: the exception does not reach it
    const other = await gates("dev/other", now);
    expect(other["scan-findings"]).toMatchObject({ status: "fail" });
    expect(other["scan-findings"]!.exceptions).toBeUndefined();

    // a second before expiry it still applies; from the expiry on it no longer does, without any job
    expect((await gates("dev/api", new Date(expiresAt.getTime() - 1000)))["scan-findings"]!.status).toBe("pass");
    const expired = await gates("dev/api", new Date(expiresAt.getTime() + 1000));
    expect(expired["scan-findings"]).toMatchObject({ status: "fail", detail: "critical 2, high 0, medium 0 — over the limit: critical (Trivy dev)" });
    expect(expired["fixable-critical"]).toMatchObject({ status: "fail" });

    // audit: the creation at once; the expiry once, by the first sweep after it passed
    const created = await db.prisma.auditEvent.findMany({ where: { action: "exception.created", targetId: e.id } });
    expect(created).toEqual([expect.objectContaining({ actorEmail: "devapprover@x.io", outcome: "success", sourceIp: "192.0.2.7" })]);
    expect(created[0]!.detail).toMatchObject({ exception: `CVE-2019-14697 for reg/dev/api@${digest}`, owner: "alice" });
    expect(await sweepExceptions(db.prisma, { now: new Date(expiresAt.getTime() - 1000), warnDays: 7 })).toEqual({ expired: 0, warned: 0 });
    expect(await db.prisma.auditEvent.count({ where: { action: "exception.expired" } })).toBe(0);
    expect((await sweepExceptions(db.prisma, { now: new Date(expiresAt.getTime() + 1000), warnDays: 7 })).expired).toBe(1);
    expect((await sweepExceptions(db.prisma, { now: new Date(expiresAt.getTime() + 60_000), warnDays: 7 })).expired).toBe(0);
    const expiredRows = await db.prisma.auditEvent.findMany({ where: { action: "exception.expired" } });
    expect(expiredRows).toEqual([expect.objectContaining({ targetId: e.id, actorEmail: null, outcome: "success" })]);
  });

  it("a promotion's stored gates carry the exceptions that applied; a revoked exception stops applying", async () => {
    await db.prisma.environment.update({ where: { name: "prod" }, data: { policy: { maxFindings: { critical: 0 } } } });
    const deps = { prisma: db.prisma, environment: (name: string) => environmentProvider(db.prisma, name), scans: scanLookup, schedule: () => undefined };
    const request = () => requestPromotion(deps, people.dev!, { sourceEnv: "dev", repository: "dev/other", reference: "1.0", targetEnv: "prod", tag: "1.0", reason: "release" });
    expect((await request()).gatesPassed).toBe(false);

    const e = await createException(db.prisma, people.prodapprover!, input({ package: "musl", scope: "environment", environment: "prod", expiresAt: new Date(Date.now() + 10 * DAY).toISOString() }), defaultExceptionSettings);
    await createException(db.prisma, people.prodapprover!, input({ package: "musl-utils", scope: "environment", environment: "prod", expiresAt: new Date(Date.now() + 10 * DAY).toISOString() }), defaultExceptionSettings);
    const p = await request();
    expect(p.gatesPassed).toBe(true);
    const stored = (p.gates as unknown as GateResult[]).find((g) => g.id === "scan-findings")!;
    expect(stored.exceptions?.map((x) => [x.subject, x.scopeTarget])).toEqual([
      ["package musl", "environment prod"],
      ["package musl-utils", "environment prod"],
    ]);

    await revokeException(db.prisma, people.prodapprover!, e.id);
    expect((await request()).gatesPassed).toBe(false);
    expect(await db.prisma.auditEvent.count({ where: { action: "exception.revoked", targetId: e.id, actorEmail: "prodapprover@x.io" } })).toBe(1);
  });

  it("scan views leave accepted findings out of the counts and list them, within the exception's scope only", async () => {
    const now = new Date();
    await db.prisma.cveException.updateMany({ where: { revokedAt: null }, data: { revokedAt: now, revokedBy: "test" } });
    const expiresAt = new Date(now.getTime() + 20 * DAY);
    await createException(db.prisma, people.devapprover!, input({ cve: "CVE-2019-14697", scope: "repository", registry: "reg", repository: "dev/api", expiresAt: expiresAt.toISOString() }), defaultExceptionSettings, now);
    const pinned = await createException(db.prisma, people.devapprover!, input({ cve: "CVE-2019-14697", scope: "digest", registry: "reg", repository: "dev/api", digest, reason: "pinned build", expiresAt: new Date(now.getTime() + 10 * DAY).toISOString() }), defaultExceptionSettings, now);
    const filter = exceptionFilter(await activeExceptionRules(db.prisma, now), now);

    const api = (await artifactScanView(db.prisma, "reg", "dev/api", "1.0", filter))!;
    expect(api.environments).toEqual(["dev"]);
    expect(api.report?.counts.critical).toBe(0);
    // both apply to this digest: the narrowest scope is the one that counts and is shown
    const note = `CVE-2019-14697 accepted until ${pinned.expiresAt.toISOString().slice(0, 10)} by devapprover@x.io: pinned build`;
    expect(api.accepted.map((a) => [a.finding.package, a.note])).toEqual([
      ["musl", note],
      ["musl-utils", note],
    ]);
    await revokeException(db.prisma, people.devapprover!, pinned.id, now);
    const repoOnly = exceptionFilter(await activeExceptionRules(db.prisma, now), now);
    expect((await artifactScanView(db.prisma, "reg", "dev/api", "1.0", repoOnly))!.accepted[0]!.note).toContain(`accepted until ${expiresAt.toISOString().slice(0, 10)}`);
    const other = (await artifactScanView(db.prisma, "reg", "dev/other", "1.0", filter))!;
    expect([other.report?.counts.critical, other.accepted]).toEqual([2, []]);

    // the index's views (worst first, where is CVE-X) apply the same ledger to what a sync stored
    const sync = await syncEnvironment(db.prisma, { environment: "dev", namespace: "dev", provider: dev }, { mode: "full" });
    expect(sync.errors).toEqual([]);
    const rules = await activeExceptionRules(db.prisma, now);
    // worst first counts what still counts: dev/other (2 criticals) before dev/api (none left)
    const env = await acceptInEnvironmentScans(db.prisma, await environmentScans(db.prisma, "all", "dev"), { environment: "dev", registry: "reg" }, rules, now);
    expect(env.map((r) => [r.repository, r.scan?.counts.critical, r.accepted.length])).toEqual([
      ["dev/other", 2, 0],
      ["dev/api", 0, 2],
    ]);
    const hits = acceptInCveOccurrences(await whereIsCve(db.prisma, "all", "CVE-2019-14697"), new Map([["dev", "reg"]]), rules, now);
    expect(hits.map((h) => [h.repository, h.package, h.accepted !== undefined])).toEqual([
      ["dev/api", "musl", true],
      ["dev/api", "musl-utils", true],
      ["dev/other", "musl", false],
      ["dev/other", "musl-utils", false],
    ]);
  });

  it("an approver of dev cannot create an exception reaching prod, nor a global one (refused on the server, audited)", async () => {
    const expiresAt = new Date(Date.now() + 5 * DAY).toISOString();
    const count = await db.prisma.cveException.count();
    await expect(createException(db.prisma, people.devapprover!, input({ cve: "CVE-2024-1234", scope: "environment", environment: "prod", expiresAt }), defaultExceptionSettings)).rejects.toThrow(
      new AuthError(403, 'You need the approver role (or higher) in environment prod to accept CVE exceptions.'),
    );
    await expect(createException(db.prisma, people.devapprover!, input({ cve: "CVE-2024-1234", scope: "repository", registry: "reg", repository: "prod/api", expiresAt }), defaultExceptionSettings)).rejects.toThrow(AuthError);
    await expect(createException(db.prisma, people.devapprover!, input({ cve: "CVE-2024-1234", scope: "global", expiresAt }), defaultExceptionSettings)).rejects.toThrow(AuthError);
    await expect(createException(db.prisma, people.dev!, input({ cve: "CVE-2024-1234", scope: "environment", environment: "dev", expiresAt }), defaultExceptionSettings)).rejects.toThrow(AuthError);
    expect(await db.prisma.cveException.count()).toBe(count);
    expect(await db.prisma.auditEvent.count({ where: { action: "permission.denied", actorEmail: "devapprover@x.io", detail: { path: ["attempted"], equals: "exception.manage" } } })).toBe(3);
    // within dev it may
    await expect(createException(db.prisma, people.devapprover!, input({ cve: "CVE-2024-1234", scope: "environment", environment: "dev", expiresAt }), defaultExceptionSettings)).resolves.toMatchObject({ environment: "dev" });
  });

  it("refuses an expiry beyond the maximum (or in the past) as a field error, and writes nothing", async () => {
    const now = new Date("2026-12-01T10:00:00Z");
    const at = (iso: string) => input({ cve: "CVE-2024-9999", scope: "environment", environment: "dev", expiresAt: iso });
    const err = await createException(db.prisma, people.devapprover!, at("2027-03-02"), { maxDays: 90, warnDays: 7 }, now).catch((e) => e);
    expect(err).toBeInstanceOf(FieldError);
    expect(err).toMatchObject({ field: "expiresAt", problem: "is more than 90 days away: exceptions may last at most 90 days (exceptions.maxDays)" });
    await expect(createException(db.prisma, people.devapprover!, at("2026-11-30"), { maxDays: 90, warnDays: 7 }, now)).rejects.toMatchObject({ field: "expiresAt", problem: "must be in the future" });
    expect(await db.prisma.cveException.count({ where: { cveId: "CVE-2024-9999" } })).toBe(0);
    // the 90th day itself is allowed, whole
    await expect(createException(db.prisma, people.devapprover!, at("2027-03-01"), { maxDays: 90, warnDays: 7 }, now)).resolves.toMatchObject({ expiresAt: new Date("2027-03-01T23:59:59.999Z") });
  });
});
