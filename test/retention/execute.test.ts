/**
 * Executing a stored retention plan against a real docker-registry (storage delete enabled), through a
 * fault proxy, with the inventory index filled by real syncs: exactly the planned manifests go (the
 * registry's own tag lists and catalog confirm it), every deletion is an audit row and a tag event, a
 * digest promoted to prod since planning is skipped as "now protected: running in prod", a tag moved
 * since planning is skipped, and a registry failing mid-execution leaves the plan partial with the rest
 * recorded, from which a second execution resumes without touching what was already deleted.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/enforce";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { PlanConflictError, startPlanExecution, type StartDeps } from "@/lib/retention/execute";
import { inProcessRetention } from "@/lib/retention/execute-queue";
import { runPlanExecution, RunnerBusyError, type ExecutionDeps } from "@/lib/retention/execute-run";
import { liveProtectionCheck } from "@/lib/retention/protection-live";
import type { RetentionItemOutcome, RetentionPlanItem } from "@/lib/retention/types";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage, type BuiltImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

let db: TestDatabase;
let registry: RunningRegistry;
let proxy: FaultProxy;
let seeder: OciProvider;
let provider: OciProvider;
let admin: Principal;
const images: Record<string, BuiltImage> = {};
const digest = (name: string) => images[name]!.manifest.digest;

const deps = (): ExecutionDeps => ({ prisma: db.prisma, provider: async (env) => (env === "dev" || env === "prod" ? provider : null), protection: liveProtectionCheck(db.prisma, { recentPromotionDays: 0 }), ratePerSecond: 200, saveEveryMs: 0 });
const queue = inProcessRetention(async () => deps());
const startDeps = (executeBy: "admin" | "approver" = "admin"): StartDeps => ({ prisma: db.prisma, executeBy: () => executeBy, enqueue: (job) => queue.enqueue(job) });

const tagsOf = async (repo: string) => (await seeder.listTags(repo).catch(() => ({ items: [] as string[] }))).items.sort();
const sync = (environment: "dev" | "prod") => syncEnvironment(db.prisma, { environment, namespace: environment, provider: seeder }, { mode: "full" });

async function storePlan(items: Omit<RetentionPlanItem, "rule" | "bytes">[]): Promise<{ id: string; hash: string }> {
  const full = items.map((i) => ({ rule: "rules[0] (*)", bytes: 1000, ...i }));
  const hash = createHash("sha256").update(JSON.stringify({ environment: "dev", items: full, protected: [] })).digest("hex");
  return db.prisma.retentionPlan.create({ data: { environment: "dev", hash, items: full, protected: [], createdByEmail: "planner@x.io" }, select: { id: true, hash: true } });
}

async function execute(plan: { id: string; hash: string }) {
  await startPlanExecution(startDeps(), admin, plan.id, plan.hash);
  await queue.drained();
  const row = await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: plan.id } });
  const outcomes = new Map((row.outcomes as unknown as RetentionItemOutcome[]).map((o) => [o.index, o]));
  return { status: row.status, outcome: (i: number) => outcomes.get(i) };
}

beforeAll(async () => {
  db = await openTestDatabase("pglite");
  registry = await startRegistry({ deleteEnabled: true });
  seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
  proxy = await startFaultProxy(registry.url);
  provider = createOciProvider({ name: "dev-registry", url: proxy.url, auth: { kind: "anonymous" } }, { retry: { maxAttempts: 1 } });
  for (const name of ["a1", "a2", "a3", "shared", "keep", "promoted", "moving", "other", "f1", "f2", "f3", "f4", "w1", "g1", "r1"]) images[name] = buildImage({ layerCount: 1 });
  for (const t of ["a1", "a2", "a3", "keep", "promoted", "moving", "f1", "f2", "f3", "f4", "g1", "r1"]) await pushImage(seeder, "dev/api", images[t]!, t);
  await pushImage(seeder, "dev/api", images.shared!, "old-1");
  await pushImage(seeder, "dev/api", images.shared!, "old-2");
  await pushImage(seeder, "dev/web", images.w1!, "w1");
  await pushImage(seeder, "dev/web", images.keep!, "stays");
  const reg = await db.prisma.registry.create({ data: { name: "local", kind: "oci", url: registry.url } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "prod", order: 2, registryId: reg.id, namespace: "prod", protected: true } });
  const user = await db.prisma.user.create({ data: { email: "admin@x.io", passwordHash: "x" } });
  admin = { id: user.id, email: user.email, name: null, grants: [{ role: "admin", environment: null }], ip: "192.0.2.1" };
  await sync("dev");
}, 120_000);

afterAll(async () => {
  await queue.drained();
  await provider?.close();
  await seeder?.close();
  await proxy?.stop();
  await registry?.stop();
  await db?.dispose();
});

describe("retention execution against docker-registry 2.8", () => {
  it("deletes exactly the planned manifests: tags, catalog, index, tag events and audit rows agree", async () => {
    const before = await tagsOf("dev/api");
    const plan = await storePlan([
      { repository: "dev/api", tag: "a1", digest: digest("a1"), deletesManifest: true },
      { repository: "dev/api", tag: "a2", digest: digest("a2"), deletesManifest: true },
      { repository: "dev/api", tag: "old-1", digest: digest("shared"), deletesManifest: true },
      { repository: "dev/api", tag: "old-2", digest: digest("shared"), deletesManifest: true },
      { repository: "dev/web", tag: "w1", digest: digest("w1"), deletesManifest: true },
    ]);
    proxy.reset();
    const run = await execute(plan);
    expect(run.status).toBe("executed");
    for (let i = 0; i < 5; i++) expect(run.outcome(i)?.status).toBe("deleted");
    // the two tags of one manifest went with one delete by digest: three deletes for dev/api, one for dev/web
    expect(proxy.requestsTo(/\/manifests\/sha256:/, "DELETE").map((r) => r.path).sort()).toEqual(
      [`/v2/dev/api/manifests/${digest("a1")}`, `/v2/dev/api/manifests/${digest("a2")}`, `/v2/dev/api/manifests/${digest("shared")}`, `/v2/dev/web/manifests/${digest("w1")}`].sort(),
    );
    expect(await tagsOf("dev/api")).toEqual(before.filter((t) => !["a1", "a2", "old-1", "old-2"].includes(t)));
    expect(await tagsOf("dev/web")).toEqual(["stays"]);
    for (const d of [digest("a1"), digest("a2"), digest("shared")]) expect(await seeder.headManifest("dev/api", d)).toBeNull();
    expect(await seeder.headManifest("dev/api", digest("a3"))).not.toBeNull();
    expect((await seeder.listRepositories()).items).toEqual(expect.arrayContaining(["dev/api", "dev/web"]));

    const indexed = (await db.prisma.inventoryTag.findMany({ where: { environment: "dev", repository: "dev/api" }, select: { tag: true } })).map((r) => r.tag).sort();
    expect(indexed).toEqual(await tagsOf("dev/api"));
    const events = await db.prisma.inventoryTagEvent.findMany({ where: { source: "retention" }, orderBy: { tag: "asc" } });
    expect(events.map((e) => [e.repository, e.tag, e.kind, e.previousDigest, e.actor])).toEqual([
      ["dev/api", "a1", "deleted", digest("a1"), "admin@x.io"],
      ["dev/api", "a2", "deleted", digest("a2"), "admin@x.io"],
      ["dev/api", "old-1", "deleted", digest("shared"), "admin@x.io"],
      ["dev/api", "old-2", "deleted", digest("shared"), "admin@x.io"],
      ["dev/web", "w1", "deleted", digest("w1"), "admin@x.io"],
    ]);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "retention.delete", targetId: plan.id } });
    expect(audit.map((a) => (a.detail as { tag: string }).tag).sort()).toEqual(["a1", "a2", "old-1", "old-2", "w1"]);
    expect(audit.every((a) => a.outcome === "success" && a.actorEmail === "admin@x.io")).toBe(true);
    const summary = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "retention.execute", targetId: plan.id } });
    expect(summary.detail).toMatchObject({ status: "executed", deleted: 5, skipped: 0, reclaim: expect.stringContaining("registry garbage-collect") });
  });

  it("skips a digest promoted to prod since planning, and a tag moved since planning; deletes the rest", async () => {
    const plan = await storePlan([
      { repository: "dev/api", tag: "promoted", digest: digest("promoted"), deletesManifest: true },
      { repository: "dev/api", tag: "moving", digest: digest("moving"), deletesManifest: true },
      { repository: "dev/api", tag: "a3", digest: digest("a3"), deletesManifest: true },
    ]);
    // meanwhile: the digest is promoted to prod (now in the protected environment's index) …
    await pushImage(seeder, "prod/api", images.promoted!, "1.0");
    await sync("prod");
    // … and the tag "moving" is pushed again with other content
    await pushImage(seeder, "dev/api", images.other!, "moving");
    proxy.reset();
    const run = await execute(plan);
    expect(run.status).toBe("executed");
    expect(run.outcome(0)).toMatchObject({ status: "skipped", reason: expect.stringMatching(/^now protected: running in prod/) });
    expect(run.outcome(1)).toMatchObject({ status: "skipped", reason: `tag moved to ${digest("other")}` });
    expect(run.outcome(2)).toMatchObject({ status: "deleted" });
    expect(proxy.requestsTo(/\/manifests\/sha256:/, "DELETE").map((r) => r.path)).toEqual([`/v2/dev/api/manifests/${digest("a3")}`]);
    expect(await tagsOf("dev/api")).toEqual(expect.arrayContaining(["promoted", "moving"]));
    expect((await seeder.headManifest("dev/api", "moving"))?.digest).toBe(digest("other"));
    expect(await tagsOf("prod/api")).toEqual(["1.0"]);
  });

  it("a tag pushed onto a planned manifest since planning keeps the manifest (Distribution deletes only all tags at once)", async () => {
    await pushImage(seeder, "dev/web", images.keep!, "new-tag"); // "stays" and "new-tag" share the manifest
    await sync("dev");
    const plan = await storePlan([{ repository: "dev/web", tag: "stays", digest: digest("keep"), deletesManifest: true }]);
    const run = await execute(plan);
    expect(run.outcome(0)).toMatchObject({ status: "skipped", reason: expect.stringContaining("is now also tagged new-tag") });
    expect(await tagsOf("dev/web")).toEqual(["new-tag", "stays"]);
  });

  it("a registry failing mid-execution stops that repository (partial, recorded); executing again resumes and finishes", async () => {
    const plan = await storePlan([
      { repository: "dev/api", tag: "f1", digest: digest("f1"), deletesManifest: true },
      { repository: "dev/api", tag: "f2", digest: digest("f2"), deletesManifest: true },
      { repository: "dev/api", tag: "f3", digest: digest("f3"), deletesManifest: true },
      { repository: "dev/api", tag: "f4", digest: digest("f4"), deletesManifest: true },
    ]);
    proxy.reset();
    // the registry breaks after two deletions: every DELETE of f3 answers 503
    const broken = proxy.addRule({ method: "DELETE", path: `/v2/dev/api/manifests/${digest("f3")}`, action: { kind: "status", status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"storage backend down"}]}' } });
    const first = await execute(plan);
    expect(broken.hits()).toBeGreaterThan(0);
    expect(first.status).toBe("partial");
    expect(first.outcome(0)?.status).toBe("deleted");
    expect(first.outcome(1)?.status).toBe("deleted");
    expect(first.outcome(2)).toMatchObject({ status: "failed", reason: expect.stringContaining("503") });
    expect(first.outcome(3)).toMatchObject({ status: "pending", reason: expect.stringContaining("not attempted") });
    expect(await tagsOf("dev/api")).toEqual(expect.arrayContaining(["f3", "f4"]));
    expect(await tagsOf("dev/api")).not.toContain("f1");
    const failure = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "retention.delete", targetId: plan.id, outcome: "failure" } });
    expect(failure.detail).toMatchObject({ repository: "dev/api", error: expect.stringContaining("storage backend down") });

    proxy.reset(); // rules and log
    const second = await execute(plan);
    expect(second.status).toBe("executed");
    for (let i = 0; i < 4; i++) expect(second.outcome(i)?.status).toBe("deleted");
    // nothing deleted in the first run was asked for again, not even a HEAD
    expect(proxy.requestsTo(/\/manifests\//).map((r) => r.path).filter((p) => p.includes(digest("f1")) || p.endsWith("/f1") || p.includes(digest("f2")) || p.endsWith("/f2"))).toEqual([]);
    expect(await tagsOf("dev/api")).not.toContain("f3");
    expect(await tagsOf("dev/api")).not.toContain("f4");
    expect(await db.prisma.auditEvent.count({ where: { action: "retention.delete", targetId: plan.id, outcome: "success" } })).toBe(4);
  });
});

describe("runs that meet each other", () => {
  it("a manifest deleted by someone else between the live check and the delete (404) is skipped as gone, not a failure", async () => {
    const plan = await storePlan([{ repository: "dev/api", tag: "g1", digest: digest("g1"), deletesManifest: true }]);
    proxy.reset();
    proxy.addRule({ method: "DELETE", path: `/v2/dev/api/manifests/${digest("g1")}`, times: 1, action: { kind: "status", status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' } });
    const run = await execute(plan);
    proxy.reset();
    expect(run.status).toBe("executed");
    expect(run.outcome(0)).toMatchObject({ status: "skipped", reason: expect.stringContaining("already gone") });
  });

  it("a second runner finds the first one's claim and does not run the plan; once the claim lapses it may", async () => {
    const plan = await storePlan([{ repository: "dev/api", tag: "r1", digest: digest("r1"), deletesManifest: true }]);
    await db.prisma.retentionPlan.update({ where: { id: plan.id }, data: { status: "executing", runner: "another-process", runnerUntil: new Date(Date.now() + 60_000) } });
    const actor = { id: admin.id, email: admin.email };
    await expect(runPlanExecution(deps(), plan.id, actor)).rejects.toBeInstanceOf(RunnerBusyError);
    expect(await tagsOf("dev/api")).toContain("r1");
    await db.prisma.retentionPlan.update({ where: { id: plan.id }, data: { runnerUntil: new Date(Date.now() - 1000) } });
    expect(await runPlanExecution(deps(), plan.id, actor)).toMatchObject({ status: "executed", counts: { deleted: 1 } });
    expect(await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ status: "executed", runner: null, runnerUntil: null });
    expect(await tagsOf("dev/api")).not.toContain("r1");
  });
});

describe("starting an execution", () => {
  it("refuses a hash that is not the plan's (409) and leaves the plan planned", async () => {
    const plan = await storePlan([{ repository: "dev/api", tag: "keep", digest: digest("keep"), deletesManifest: true }]);
    const err = await startPlanExecution(startDeps(), admin, plan.id, "f".repeat(64)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanConflictError);
    expect((err as PlanConflictError).kind).toBe("conflict");
    expect((err as Error).message).toContain(plan.hash.slice(0, 12));
    expect((await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("planned");
    expect(await tagsOf("dev/api")).toContain("keep");
  });

  it("only one of two simultaneous starts wins; an executed plan cannot run again", async () => {
    const plan = await storePlan([{ repository: "dev/api", tag: "nothing-here", digest: digest("keep"), deletesManifest: false }]);
    const results = await Promise.allSettled([startPlanExecution(startDeps(), admin, plan.id, plan.hash), startPlanExecution(startDeps(), admin, plan.id, plan.hash)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(PlanConflictError) });
    await queue.drained();
    const done = await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(done.status).toBe("executed"); // its one item was skipped: the tag never existed
    await expect(startPlanExecution(startDeps(), admin, plan.id, plan.hash)).rejects.toThrow(/is executed: only a planned plan, or a partial one/);
  });

  it("an unknown plan is not found; a developer or an approver (unless executeBy: approver) is refused and audited", async () => {
    await expect(startPlanExecution(startDeps(), admin, "no-such-plan", "a".repeat(64))).rejects.toMatchObject({ kind: "not_found" });
    const plan = await storePlan([{ repository: "dev/api", tag: "keep", digest: digest("keep"), deletesManifest: true }]);
    const dev: Principal = { ...admin, email: "dev@x.io", grants: [{ role: "developer", environment: null }] };
    const approver: Principal = { ...admin, email: "approver@x.io", grants: [{ role: "approver", environment: "dev" }] };
    await expect(startPlanExecution(startDeps(), dev, plan.id, plan.hash)).rejects.toMatchObject({ kind: "forbidden" });
    await expect(startPlanExecution(startDeps("admin"), approver, plan.id, plan.hash)).rejects.toMatchObject({ kind: "forbidden" });
    expect(await db.prisma.auditEvent.count({ where: { action: "permission.denied", actorEmail: { in: ["dev@x.io", "approver@x.io"] } } })).toBe(2);
    // the environment lets approvers execute: this one may (the item is protected by nothing, so it goes)
    await startPlanExecution(startDeps("approver"), approver, plan.id, plan.hash);
    await queue.drained();
    expect((await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("executed");
    expect(await tagsOf("dev/api")).not.toContain("keep");
  });
});
