/**
 * Plan executions as jobs: on PostgreSQL a pg-boss queue every replica works (one job per plan, its
 * singleton key, so a plan never runs twice at once; a replica that dies mid-run leaves the job to be
 * retried, and the retry resumes from the saved outcomes). On the embedded database the process that
 * started the plan runs it in its background. Either way the deletions wait on the token bucket's
 * timers, never on the event loop, so probes, syncs and requests carry on meanwhile.
 */
import { plural } from "@/lib/plural";
import PgBoss from "pg-boss";
import type { RetentionExecutionJob } from "./execute";
import { runPlanExecution, RunnerBusyError, type ExecutionDeps } from "./execute-run";
import { isScheduleExecutor, scheduledJobMayRun } from "./auto-execute-check";

const RETENTION_QUEUE = "dockmaster-retention-execute";

export interface RetentionQueue {
  readonly mode: "pg-boss" | "in-process";
  enqueue(job: RetentionExecutionJob): Promise<void>;
  /** resolves once no execution started by this process is running (tests, shutdown) */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

async function runJob(deps: () => Promise<ExecutionDeps>, job: RetentionExecutionJob): Promise<void> {
  const d = await deps();
  const plan = await d.prisma.retentionPlan.findUnique({ where: { id: job.planId }, select: { status: true } });
  // a retried job whose run finished after all (or a plan deleted meanwhile) has nothing left to do
  if (plan?.status !== "executing") return;
  // the schedule's unattended runs are authorized by the config as it is now, not as it was when queued
  if (isScheduleExecutor(job.actor) && !(await scheduledJobMayRun(d.prisma, job.planId))) return;
  let result;
  try {
    result = await runPlanExecution(d, job.planId, job.actor);
  } catch (err) {
    // another runner holds the plan (this job was retried while the first run goes on): fail this
    // attempt so pg-boss tries again later, when the plan is finished or its runner's claim lapsed
    if (err instanceof RunnerBusyError) throw err;
    // not a registry error (those stop one repository and are recorded): the database or a bug. The
    // outcomes saved so far stand; "partial" lets a person resume once the cause is fixed.
    await d.prisma.retentionPlan.updateMany({ where: { id: job.planId, status: "executing" }, data: { status: "partial", finishedAt: new Date(), runner: null, runnerUntil: null } }).catch(() => undefined);
    throw err;
  }
  if (result.stopped.length) console.warn(`[retention] plan ${job.planId} stopped in ${plural(result.stopped.length, "repository", "repositories")}: ${result.stopped.map((s) => `${s.repository}: ${s.error}`).join("; ")}`);
}

/** `work: false`: this process only queues (the others run the jobs) */
export async function startPgBossRetention(connectionString: string, deps: () => Promise<ExecutionDeps>, options: { schema?: string; pollingIntervalSeconds?: number; work?: boolean } = {}): Promise<RetentionQueue> {
  const boss = new PgBoss({ connectionString, schema: options.schema ?? "pgboss", max: 2, application_name: "dockmaster-retention", supervise: true, schedule: false });
  boss.on("error", (err) => console.error(`[retention] pg-boss: ${err.message}`));
  await boss.start();
  await ensureQueue(boss);
  const running = new Set<Promise<void>>();
  if (options.work !== false) {
    await boss.work<RetentionExecutionJob>(RETENTION_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async ([job]) => {
      if (!job) return;
      const p = runJob(deps, job.data);
      running.add(p);
      try {
        await p;
      } finally {
        running.delete(p);
      }
    });
  }
  return {
    mode: "pg-boss",
    async enqueue(job) {
      // A job running longer than pg-boss's expiry is retried while it still runs; the retry finds the
      // runner's claim (RunnerBusyError) and is retried again later, so a long plan is never run twice
      // at once, and a plan whose runner died is resumed once its claim lapses.
      await boss.send(RETENTION_QUEUE, job, { singletonKey: job.planId });
    },
    drained: () => Promise.all([...running]).then(() => undefined),
    stop: () => boss.stop({ graceful: true, wait: true, close: true, timeout: 5000 }),
  };
}

async function ensureQueue(boss: PgBoss): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(RETENTION_QUEUE)) return;
    try {
      // singleton: one active job per key (plan); a retry resumes where a dead runner stopped
      await boss.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, policy: "singleton", expireInSeconds: 900, retryLimit: 60, retryDelay: 60 });
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "23505")) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

export function inProcessRetention(deps: () => Promise<ExecutionDeps>): RetentionQueue {
  const running = new Set<Promise<void>>();
  return {
    mode: "in-process",
    async enqueue(job) {
      const p = runJob(deps, job)
        .catch((err: unknown) => console.error(`[retention] executing plan ${job.planId} failed: ${(err as Error).message}`))
        .finally(() => running.delete(p));
      running.add(p);
    },
    drained: () => Promise.all([...running]).then(() => undefined),
    stop: () => Promise.all([...running]).then(() => undefined),
  };
}

const holder = globalThis as unknown as { __dmRetention?: RetentionQueue };

/** The pg-boss queue once boot started it; until then, and on PGlite, the in-process one. */
export function retentionQueue(deps: () => Promise<ExecutionDeps>): RetentionQueue {
  return (holder.__dmRetention ??= inProcessRetention(deps));
}

export async function startRetentionQueue(setup: { database: "postgres" | "pglite"; url?: string; deps: () => Promise<ExecutionDeps> }): Promise<RetentionQueue> {
  if (holder.__dmRetention?.mode === "pg-boss") return holder.__dmRetention;
  if (setup.database === "postgres" && setup.url) holder.__dmRetention = await startPgBossRetention(setup.url, setup.deps);
  else {
    // one process runs every in-process execution: one still "executing" at start-up died with the last
    // process, and only a person can resume it now
    const { prisma } = await setup.deps();
    const orphaned = await prisma.retentionPlan.updateMany({ where: { status: "executing" }, data: { status: "partial", finishedAt: new Date(), runner: null, runnerUntil: null } });
    if (orphaned.count) console.warn(`[retention] ${plural(orphaned.count, "plan execution")} stopped with the last process were marked partial; execute them again to resume`);
  }
  return retentionQueue(setup.deps);
}
