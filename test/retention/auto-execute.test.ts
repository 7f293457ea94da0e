/**
 * Unattended execution of scheduled plans (autoExecute), end to end on each database: the schedule
 * (runScheduledPlans) computes the plan from an index filled by real syncs, hands it to the schedule's
 * entry as lib/boot-on-start.ts wires it (startScheduledExecution), and the plan runs as a job of the
 * queue the app uses on that database (in-process on PGlite, pg-boss on PostgreSQL) against a real
 * docker-registry. The actor everywhere is the system actor "system:retention-schedule", never a user.
 * What it must not do is checked as hard as what it does: a plan one of whose selecting rules lacks
 * autoExecute is not executed, a config that turned the environment protected (or took autoExecute
 * away) between planning and execution is refused and audited, at the start and when the job runs, and
 * a digest promoted to prod meanwhile is skipped as "now protected", as for people.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditExportStream } from "@/lib/audit/export";
import { RETENTION_SCHEDULE_ACTOR } from "@/lib/audit/system-actors";
import { parseConfig } from "@/lib/config/load";
import { syncConfig } from "@/lib/config/sync";
import { syncEnvironment } from "@/lib/inventory/index/sync";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import type { RetentionExecutionJob } from "@/lib/retention/execute";
import { inProcessRetention, startPgBossRetention, type RetentionQueue } from "@/lib/retention/execute-queue";
import { scheduledJobMayRun } from "@/lib/retention/auto-execute-check";
import { RunnerBusyError, type ExecutionDeps } from "@/lib/retention/execute-run";
import { AutoExecuteRefusedError, startScheduledExecution } from "@/lib/retention/execute-scheduled";
import { findPlan, type StoredPlan } from "@/lib/retention/plan-store";
import { liveProtectionCheck } from "@/lib/retention/protection-live";
import { runScheduledPlans, type ScheduledPlanReport } from "@/lib/retention/schedule";
import type { RetentionItemOutcome } from "@/lib/retention/types";
import { buildImage, type BuiltImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** dev's rules as written in dockmaster.yaml; `protectedDev` / `devAutoExecute` are the config changes a test makes */
function config(registryUrl: string, o: { protectedDev?: boolean; devAutoExecute?: boolean } = {}) {
  const auto = o.devAutoExecute ?? true;
  return parseConfig(
    `
registries:
  - { name: local, kind: oci, url: "${registryUrl}" }
environments:
  - name: dev
    order: 1
    registry: local
    namespace: dev
    protected: ${o.protectedDev ?? false}
    retention:
      schedule: { everyHours: 1 }
      rules:
        - { repositories: "*", keepTags: "^latest$", deleteOlderThanDays: 30${auto && !o.protectedDev ? ", autoExecute: true" : ""} }
  - name: qa
    order: 2
    registry: local
    namespace: qa
    retention:
      schedule: { everyHours: 1 }
      rules:
        - { repositories: "api", keepTags: "^latest$", deleteOlderThanDays: 30, autoExecute: true }
        - { repositories: "web", keepTags: "^latest$", deleteOlderThanDays: 30 }
  - { name: prod, order: 3, registry: local, namespace: prod, protected: true }
`,
    "dockmaster.yaml",
    {},
  );
}

describe.each(dbKinds)("scheduled plans executed automatically on %s", (kind) => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let provider: OciProvider;
  let queue: RetentionQueue;
  const images: Record<string, BuiltImage> = {};
  /** each schedule run is an hour and a bit after the last, so every scheduled environment is due */
  let clock = Date.now();

  const deps = (): ExecutionDeps => ({ prisma: db.prisma, provider: async () => provider, protection: liveProtectionCheck(db.prisma, { recentPromotionDays: 0 }), ratePerSecond: 100, saveEveryMs: 0 });
  const startDeps = () => ({ prisma: db.prisma, enqueue: (job: RetentionExecutionJob) => queue.enqueue(job) });
  const tagsOf = async (repo: string) => (await provider.listTags(repo).catch(() => ({ items: [] as string[] }))).items.sort();
  const sync = (env: "dev" | "qa" | "prod") => syncEnvironment(db.prisma, { environment: env, namespace: env, provider }, { mode: "full" });

  /** pushes `old` tags (pushed 60 days ago as the index knows it) next to a fresh "latest", and syncs */
  async function seed(env: "dev" | "qa", repository: string, old: string[]) {
    for (const tag of old) await pushImage(provider, repository, (images[tag] = buildImage({ layerCount: 1 })), tag);
    if (!images[`${repository}:latest`]) await pushImage(provider, repository, (images[`${repository}:latest`] = buildImage({ layerCount: 1 })), "latest");
    await sync(env);
    await db.prisma.inventoryTag.updateMany({ where: { environment: env, repository, tag: { in: old } }, data: { since: new Date(clock - 60 * DAY_MS) } });
  }

  /** one maintenance pass of the schedule, with the schedule's entry as boot-on-start wires it (and a hook between plan and execution) */
  async function schedule(between: (plan: StoredPlan) => Promise<void> = async () => undefined): Promise<ScheduledPlanReport[]> {
    clock += HOUR_MS + 60_000;
    return runScheduledPlans(db.prisma, {
      now: new Date(clock),
      resolveWebhook: () => undefined,
      post: async () => undefined,
      autoExecute: async (plan) => {
        await between(plan);
        await startScheduledExecution(startDeps(), plan);
      },
    });
  }

  async function settled(planId: string) {
    for (let i = 0; i < 300; i++) {
      await queue.drained();
      const row = await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: planId } });
      if (row.status !== "executing") return { ...row, outcome: (i: number) => ((row.outcomes ?? []) as unknown as RetentionItemOutcome[]).find((o) => o.index === i) };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`plan ${planId} still executing after 30 s`);
  }

  const reportOf = (reports: ScheduledPlanReport[], env: string) => reports.find((r) => r.environment === env)!;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    registry = await startRegistry({ deleteEnabled: true });
    provider = createOciProvider({ name: "local", url: registry.url, auth: { kind: "anonymous" } }, { retry: { maxAttempts: 1 } });
    await syncConfig(db.prisma, config(registry.url));
    queue = kind === "postgres" ? await startPgBossRetention(db.target, async () => deps(), { schema: "pgboss_autoexec_test", pollingIntervalSeconds: 0.5 }) : inProcessRetention(async () => deps());
  }, 120_000);

  afterAll(async () => {
    await queue?.drained();
    await queue?.stop();
    await provider?.close();
    await registry?.stop();
    await db?.dispose();
  });

  it("executes a plan whose every selecting rule says autoExecute, as the system actor, through the people's execution path", async () => {
    await seed("dev", "dev/api", ["a1", "a2"]);
    await seed("dev", "dev/web", ["w1"]);
    const reports = await schedule();
    const dev = reportOf(reports, "dev");
    expect(dev).toMatchObject({ autoExecuted: true });
    expect(dev.error).toBeUndefined();
    const run = await settled(dev.planId!);
    expect(run.status).toBe("executed");
    expect([0, 1, 2].map((i) => run.outcome(i)?.status)).toEqual(["deleted", "deleted", "deleted"]);
    // the registry's own tag lists: exactly the planned tags are gone
    expect(await tagsOf("dev/api")).toEqual(["latest"]);
    expect(await tagsOf("dev/web")).toEqual(["latest"]);

    // the system actor, and never a user id, on every row: the start, each deletion, the summary
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: dev.planId, action: { startsWith: "retention.execute" } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.outcome, a.actorEmail, a.actorId])).toEqual([
      ["retention.execute.start", "success", RETENTION_SCHEDULE_ACTOR, null],
      ["retention.execute", "success", RETENTION_SCHEDULE_ACTOR, null],
    ]);
    expect(audit[0]!.detail).toMatchObject({ environment: "dev", automatic: true, hash: run.hash });
    const deletions = await db.prisma.auditEvent.findMany({ where: { action: "retention.delete", targetId: dev.planId } });
    expect(deletions.map((d) => (d.detail as { tag: string }).tag).sort()).toEqual(["a1", "a2", "w1"]);
    expect(deletions.every((d) => d.actorEmail === RETENTION_SCHEDULE_ACTOR && d.actorId === null && d.outcome === "success")).toBe(true);
    // tag events through the index, source retention, named after the system actor
    const events = await db.prisma.inventoryTagEvent.findMany({ where: { environment: "dev", source: "retention" }, orderBy: { tag: "asc" } });
    expect(events.map((e) => [e.tag, e.kind, e.actor])).toEqual([
      ["a1", "deleted", RETENTION_SCHEDULE_ACTOR],
      ["a2", "deleted", RETENTION_SCHEDULE_ACTOR],
      ["w1", "deleted", RETENTION_SCHEDULE_ACTOR],
    ]);
    // the stored plan says it ran by itself, and who ran it
    expect((await findPlan(db.prisma, dev.planId!)).execution).toMatchObject({ by: RETENTION_SCHEDULE_ACTOR, automatic: true, at: expect.any(String) });
    expect(run.executedById).toBeNull();

    // the audit export names the system actor as it is, with no user id
    const csv = await new Response(auditExportStream(db.prisma, { actor: RETENTION_SCHEDULE_ACTOR, action: "retention.delete" }, "csv")).text();
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.split(",").slice(2, 5).join(",") === `${RETENTION_SCHEDULE_ACTOR},,retention.delete`)).toBe(true);
  });

  it("does not execute a plan where one selecting rule lacks autoExecute", async () => {
    await seed("qa", "qa/api", ["q1"]);
    await seed("qa", "qa/web", ["q2"]);
    const reports = await schedule();
    const qa = reportOf(reports, "qa");
    expect(qa.planId).toBeDefined();
    expect(qa.autoExecuted).toBeUndefined();
    const plan = await findPlan(db.prisma, qa.planId!);
    expect(plan.items.map((i) => [i.tag, i.rule])).toEqual([
      ["q1", "rules[0] (api)"],
      ["q2", "rules[1] (web)"],
    ]);
    expect(plan.status).toBe("planned");
    expect(plan.execution).toBeNull();
    expect(await tagsOf("qa/api")).toEqual(["latest", "q1"]);
    expect(await tagsOf("qa/web")).toEqual(["latest", "q2"]);
    expect(await db.prisma.auditEvent.count({ where: { targetId: qa.planId, action: { startsWith: "retention.execute" } } })).toBe(0);
    // and even quoting its hash, the schedule's entry refuses it (audited)
    await expect(startScheduledExecution(startDeps(), plan)).rejects.toBeInstanceOf(AutoExecuteRefusedError);
    const denied = await db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: qa.planId, action: "retention.execute", outcome: "denied" } });
    expect(denied.actorEmail).toBe(RETENTION_SCHEDULE_ACTOR);
    expect((denied.detail as { reason: string }).reason).toContain("rules[1] (web) does not say autoExecute");
    expect((await findPlan(db.prisma, qa.planId!)).status).toBe("planned");
  });

  it("skips an item promoted to prod between plan and execution, as for people, and deletes the rest", async () => {
    await seed("dev", "dev/api", ["p1", "p2"]);
    const reports = await schedule(async () => {
      // meanwhile p1's digest reaches prod (the protected environment's index has it)
      await pushImage(provider, "prod/api", images.p1!, "1.0");
      await sync("prod");
    });
    const dev = reportOf(reports, "dev");
    expect(dev.autoExecuted).toBe(true);
    const run = await settled(dev.planId!);
    const plan = await findPlan(db.prisma, dev.planId!);
    expect(plan.items.map((i) => i.tag)).toEqual(["p1", "p2"]);
    expect(run.status).toBe("executed");
    expect(run.outcome(0)).toMatchObject({ status: "skipped", reason: expect.stringMatching(/^now protected: running in prod/) });
    expect(run.outcome(1)).toMatchObject({ status: "deleted" });
    expect(await tagsOf("dev/api")).toEqual(["latest", "p1"]);
    expect(await tagsOf("prod/api")).toEqual(["1.0"]);
  });

  it("refuses (audited) when the config made the environment protected between plan and start; the plan waits for a person", async () => {
    await seed("dev", "dev/api", ["c1"]);
    const reports = await schedule(async () => {
      // dockmaster.yaml now says dev is protected (autoExecute had to go with it: the config refuses both at once)
      await syncConfig(db.prisma, config(registry.url, { protectedDev: true }));
    });
    const dev = reportOf(reports, "dev");
    expect(dev.autoExecuted).toBeUndefined();
    expect(dev.error).toMatch(/is not executed automatically: environment dev is protected/);
    expect((await findPlan(db.prisma, dev.planId!)).status).toBe("planned");
    expect(await tagsOf("dev/api")).toContain("c1");
    const denied = await db.prisma.auditEvent.findMany({ where: { targetId: dev.planId, action: "retention.execute" } });
    expect(denied.map((a) => [a.outcome, a.actorEmail, a.actorId, (a.detail as { stage: string }).stage])).toEqual([["denied", RETENTION_SCHEDULE_ACTOR, null, "start"]]);
    await syncConfig(db.prisma, config(registry.url));
    await db.prisma.inventoryTag.updateMany({ where: { environment: "dev", tag: "c1" }, data: { since: new Date(clock) } });
  });

  it("refuses (audited) when the job runs after the environment turned protected or autoExecute was taken away; nothing is deleted", async () => {
    for (const change of ["protected", "autoExecute removed"] as const) {
      const tag = change === "protected" ? "j1" : "j2";
      await seed("dev", "dev/api", [tag]);
      // the job is queued by the start, but runs only after the change (a busy queue, a retry after a crash)
      const held: RetentionExecutionJob[] = [];
      clock += HOUR_MS + 60_000;
      const reports = await runScheduledPlans(db.prisma, { now: new Date(clock), resolveWebhook: () => undefined, post: async () => undefined, autoExecute: async (plan) => void (await startScheduledExecution({ prisma: db.prisma, enqueue: async (job) => void held.push(job) }, plan)) });
      const dev = reportOf(reports, "dev");
      expect(dev.autoExecuted).toBe(true);
      expect(held).toEqual([{ planId: dev.planId, actor: { id: null, email: RETENTION_SCHEDULE_ACTOR } }]);
      if (change === "protected") await db.prisma.environment.update({ where: { name: "dev" }, data: { protected: true } }); // as a UI edit would
      else await syncConfig(db.prisma, config(registry.url, { devAutoExecute: false }));
      await queue.enqueue(held[0]!);
      const run = await settled(dev.planId!);
      expect(run.status).toBe("planned");
      expect(run.executedByEmail).toBeNull();
      expect(await tagsOf("dev/api")).toContain(tag);
      expect(await db.prisma.auditEvent.count({ where: { action: "retention.delete", targetId: dev.planId } })).toBe(0);
      const denied = await db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: dev.planId, action: "retention.execute", outcome: "denied" } });
      expect(denied).toMatchObject({ actorEmail: RETENTION_SCHEDULE_ACTOR, actorId: null, detail: { stage: "job", automatic: true } });
      expect((denied.detail as { reason: string }).reason).toMatch(change === "protected" ? /environment dev is protected/ : /rules\[0\] \(\*\) does not say autoExecute: true \(now\)/);
      await db.prisma.environment.update({ where: { name: "dev" }, data: { protected: false } });
      await syncConfig(db.prisma, config(registry.url));
      await db.prisma.inventoryTag.updateMany({ where: { environment: "dev", tag }, data: { since: new Date(clock) } });
    }
  });

  it("a retried job does not pull a refused plan from under a run still holding it; once the claim lapses it hands it back", async () => {
    await seed("dev", "dev/api", ["k1"]);
    const held: RetentionExecutionJob[] = [];
    clock += HOUR_MS + 60_000;
    const reports = await runScheduledPlans(db.prisma, { now: new Date(clock), resolveWebhook: () => undefined, post: async () => undefined, autoExecute: async (plan) => void (await startScheduledExecution({ prisma: db.prisma, enqueue: async (job) => void held.push(job) }, plan)) });
    const planId = reportOf(reports, "dev").planId!;
    await db.prisma.retentionPlan.update({ where: { id: planId }, data: { runner: "another-process", runnerUntil: new Date(Date.now() + 60_000) } });
    await db.prisma.environment.update({ where: { name: "dev" }, data: { protected: true } });
    await expect(scheduledJobMayRun(db.prisma, planId)).rejects.toBeInstanceOf(RunnerBusyError);
    expect((await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: planId } })).status).toBe("executing");
    expect(await db.prisma.auditEvent.count({ where: { targetId: planId, outcome: "denied" } })).toBe(0);
    await db.prisma.retentionPlan.update({ where: { id: planId }, data: { runnerUntil: new Date(Date.now() - 1000) } });
    expect(await scheduledJobMayRun(db.prisma, planId)).toBe(false);
    expect((await db.prisma.retentionPlan.findUniqueOrThrow({ where: { id: planId } })).status).toBe("planned");
    expect(await db.prisma.auditEvent.count({ where: { targetId: planId, outcome: "denied", actorEmail: RETENTION_SCHEDULE_ACTOR } })).toBe(1);
    expect(await tagsOf("dev/api")).toContain("k1");
    await db.prisma.environment.update({ where: { name: "dev" }, data: { protected: false } });
  });
});
