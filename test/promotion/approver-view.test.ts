/**
 * Issue 13 item 1 against a real (embedded) database: an approver reads exactly the source of an
 * open promotion they may decide, the queue counts what awaits them, a requester withdraws, and the
 * promotion page's comparison reads the inventory index.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, enforce, type Principal } from "@/lib/auth/enforce";
import type { Role } from "@/lib/auth/policy";
import { artifactReadResource } from "@/lib/browse/source-access";
import { countAwaitingMyDecision } from "@/lib/promotion/awaiting";
import type { PromotionDeps } from "@/lib/promotion/deps";
import { PromotionError } from "@/lib/promotion/errors";
import { promotionReview } from "@/lib/promotion/review";
import { scanLookup } from "@/lib/promotion/scan-gate";
import { rejectPromotion } from "@/lib/promotion/service";
import { withdrawPromotion } from "@/lib/promotion/withdraw";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { createPrincipal } from "../support/principals";

let db: TestDatabase;
let deps: PromotionDeps;
const people: Record<string, Principal> = {};
let environments: { name: string; namespace: string }[];
const D = (c: string) => `sha256:${c.repeat(64)}`;

async function person(name: string, grants: { role: Role; env: string | null }[]) {
  people[name] = await createPrincipal(db.prisma, `${name}@x.io`, grants, "192.0.2.7");
}

/** A request as requestPromotion leaves it (the registry side is covered by workflow.test.ts). */
async function requested(digest: string, by = "dev", targetTag = "2.0") {
  return db.prisma.promotion.create({
    data: {
      sourceEnv: "dev",
      targetEnv: "prod",
      sourceRepository: "dev/api",
      targetRepository: "prod/api",
      digest,
      targetTag,
      reason: "release",
      requestedById: people[by]!.id,
      requestedByEmail: people[by]!.email,
      approvalsRequired: 1,
      gates: [],
      gatesPassed: true,
    },
  });
}

const readSource = async (who: string, action: "registry.view" | "scan.view", digest: string, repository = "dev/api") =>
  enforce(db.prisma, people[who]!, action, await artifactReadResource(db.prisma, { repository, ref: digest, environments }));

beforeAll(async () => {
  db = await openTestDatabase("pglite");
  const dev = await db.prisma.registry.create({ data: { name: "reg-dev", kind: "oci", url: "http://127.0.0.1:9" } });
  const prod = await db.prisma.registry.create({ data: { name: "reg-prod", kind: "oci", url: "http://127.0.0.1:9" } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: dev.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: prod.id, namespace: "prod", protected: true, policy: {} } });
  environments = [{ name: "dev", namespace: "dev" }];
  deps = { prisma: db.prisma, environment: async () => null, scans: scanLookup, schedule: () => undefined };
  await person("dev", [{ role: "developer", env: null }]);
  await person("approver", [{ role: "approver", env: "prod" }]);
  await person("prodviewer", [{ role: "viewer", env: "prod" }]);
  await person("devapprover", [{ role: "approver", env: "dev" }]);
});

afterAll(async () => {
  await db?.dispose();
});

describe("reading the source of a promotion one may decide", () => {
  it("lets a prod approver read exactly that digest and its scan, and nothing next to it", async () => {
    const p = await requested(D("a"));
    await expect(readSource("approver", "registry.view", D("a"))).resolves.toMatchObject({ email: "approver@x.io" });
    await expect(readSource("approver", "scan.view", D("a"))).resolves.toBeTruthy();
    await expect(readSource("approver", "registry.view", D("b"))).rejects.toThrow("You need the viewer role (or higher) for all environments to view registries.");
    await expect(readSource("approver", "registry.view", D("a"), "dev/other")).rejects.toThrow(AuthError);
    // by tag there is no grant: a tag may have moved since the request
    await expect(enforce(db.prisma, people.approver!, "registry.view", await artifactReadResource(db.prisma, { repository: "dev/api", ref: "2.0", environments }))).rejects.toThrow(AuthError);
    const denied = await db.prisma.auditEvent.count({ where: { action: "permission.denied", actorEmail: "approver@x.io" } });
    expect(denied).toBe(3);
    await db.prisma.promotion.delete({ where: { id: p.id } });
  });

  it("refuses those who cannot decide in the target, and the requester's own approver role does not matter", async () => {
    const p = await requested(D("c"));
    await expect(readSource("prodviewer", "registry.view", D("c"))).rejects.toThrow(AuthError);
    await expect(readSource("devapprover", "scan.view", D("c"))).rejects.toThrow(AuthError);
    await db.prisma.promotion.delete({ where: { id: p.id } });
  });

  it("ends when the promotion is decided", async () => {
    const p = await requested(D("d"));
    await expect(readSource("approver", "registry.view", D("d"))).resolves.toBeTruthy();
    await rejectPromotion(deps, people.approver!, p.id, "not this one");
    await expect(readSource("approver", "registry.view", D("d"))).rejects.toThrow(AuthError);
  });
});

describe("the queue badge and withdrawing a request", () => {
  it("counts the requests awaiting my decision: not my own, not decided ones", async () => {
    await db.prisma.promotion.deleteMany({ where: { status: "requested" } });
    const a = await requested(D("e"));
    await requested(D("f"), "approver");
    expect(await countAwaitingMyDecision(db.prisma, people.approver!)).toBe(1);
    expect(await countAwaitingMyDecision(db.prisma, people.dev!)).toBe(0);
    expect(await countAwaitingMyDecision(db.prisma, people.prodviewer!)).toBe(0);
    await withdrawPromotion(deps, people.dev!, a.id, "wrong build");
    expect(await countAwaitingMyDecision(db.prisma, people.approver!)).toBe(0);
  });

  it("lets only the requester withdraw, only while requested, with a timeline entry and an audit row", async () => {
    const p = await requested(D("1"));
    const other = await withdrawPromotion(deps, people.approver!, p.id).catch((e) => e);
    expect(other).toBeInstanceOf(PromotionError);
    expect(other).toMatchObject({ kind: "forbidden", message: `only the requester can withdraw promotion #${p.number}` });
    await withdrawPromotion(deps, people.dev!, p.id, "superseded by 2.1");
    const after = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id }, include: { events: true } });
    expect(after.status).toBe("withdrawn");
    expect(after.finishedAt).not.toBeNull();
    expect(after.events.map((e) => [e.kind, e.message])).toEqual([["withdraw", "withdrawn by the requester: superseded by 2.1"]]);
    expect((after.evidence as { decision: unknown }).decision).toMatchObject({ outcome: "withdrawn", by: "dev@x.io", note: "superseded by 2.1" });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "promotion.withdraw", targetId: `#${p.number}` } });
    expect(audit).toMatchObject({ actorEmail: "dev@x.io", outcome: "success", sourceIp: "192.0.2.7" });
    await expect(withdrawPromotion(deps, people.dev!, p.id)).rejects.toThrow(`promotion #${p.number} is withdrawn; only a request still awaiting approval can be withdrawn`);
  });

  it("races a rejection: exactly one of them ends the request", async () => {
    const p = await requested(D("2"));
    const outcomes = await Promise.allSettled([withdrawPromotion(deps, people.dev!, p.id), rejectPromotion(deps, people.approver!, p.id, "no, not now")]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(PromotionError);
    const row = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id }, include: { events: true } });
    expect(["withdrawn", "rejected"]).toContain(row.status);
    expect(row.events).toHaveLength(1);
  });
});

describe("the comparison on the promotion page", () => {
  it("reads both artifacts from the index and tells the CVE delta", async () => {
    const p = await requested(D("3"));
    await db.prisma.inventoryManifest.createMany({
      data: [
        { digest: D("3"), mediaType: "application/vnd.oci.image.index.v1+json", size: 4096n, platforms: [{ os: "linux", architecture: "amd64", digest: D("7") }, { os: "linux", architecture: "arm64", variant: "v8", digest: D("8") }], created: new Date("2026-11-29T10:00:00Z") },
        { digest: D("4"), mediaType: "application/vnd.oci.image.manifest.v1+json", size: 2048n, platforms: [], created: new Date("2026-10-01T10:00:00Z") },
      ],
    });
    const scan = { origin: "referrer", registry: "reg-dev", scanner: "Trivy 0.50", fixableBySeverity: {} };
    await db.prisma.inventoryScan.createMany({ data: [{ digest: D("3"), ...scan, high: 1, low: 1, fixable: 1 }, { digest: D("4"), ...scan, critical: 1, high: 1, fixable: 2 }] });
    const vuln = (digest: string, cve: string, severity: string) => ({ digest, cve, package: "openssl", severity });
    await db.prisma.inventoryVulnerability.createMany({ data: [vuln(D("3"), "CVE-2026-1", "high"), vuln(D("3"), "CVE-2026-3", "low"), vuln(D("4"), "CVE-2026-1", "high"), vuln(D("4"), "CVE-2025-9", "critical")] });
    const since = new Date("2026-10-02T00:00:00Z");
    await db.prisma.inventoryTag.create({ data: { environment: "prod", repository: "prod/api", tag: "2.0", digest: D("4"), since, seenAt: since } });

    const r = await promotionReview(db.prisma, p);
    expect(r.source).toMatchObject({ registry: "reg-dev", artifactHref: `/registries/reg-dev/artifacts/dev/api?ref=${encodeURIComponent(D("3"))}`, scanHref: `/scans/artifact/reg-dev/dev/api?ref=${encodeURIComponent(D("3"))}` });
    expect(r.source.facts.manifest).toMatchObject({ size: 4096, platforms: ["linux/amd64", "linux/arm64/v8"] });
    expect(r.source.facts.scan).toMatchObject({ counts: { critical: 0, high: 1, low: 1 }, fixable: 1, cves: ["CVE-2026-1", "CVE-2026-3"] });
    expect(r.target.current).toMatchObject({ digest: D("4"), since, manifest: { size: 2048, platforms: [] } });
    expect(r.target.href).toBe("/registries/reg-prod/artifacts/prod/api?ref=2.0");
    expect(r.cveDelta).toEqual({ added: ["CVE-2026-3"], removed: ["CVE-2025-9"], unchanged: 1 });
  });

  it("says a new tag has nothing to compare against", async () => {
    const p = await requested(D("5"), "dev", "9.9");
    const r = await promotionReview(db.prisma, p);
    expect(r.target.current).toBeNull();
    expect(r.target.href).toBeNull();
    expect(r.cveDelta).toBeNull();
    expect(r.source.facts).toEqual({ digest: D("5"), manifest: null, scan: null });
  });
});
