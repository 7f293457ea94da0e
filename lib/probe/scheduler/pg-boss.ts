/**
 * The scheduler on PostgreSQL, shared by every app replica through pg-boss.
 *
 * Every replica plans: it queues each target's slots for the next half minute as jobs whose id is
 * derived from (target, slot), so the queue stores each run once however many replicas planned it
 * (pg-boss inserts with ON CONFLICT DO NOTHING). Every replica works: it polls for due jobs, and
 * pg-boss hands each job to exactly one of them (SELECT … FOR UPDATE SKIP LOCKED). The schedule
 * itself lives in ProbeTarget rows and in queued jobs, not in any one process: when a replica dies,
 * the others keep planning and running every target, and its unfinished jobs expire.
 * Maintenance is a pg-boss cron schedule, which pg-boss fires once per period for the whole cluster.
 */
import PgBoss from "pg-boss";
import { MAINTENANCE_EVERY_MS } from "@/lib/inventory/index/maintenance";
import { Planner, jobIdOf, type ProbeJob } from "./slots";
import { defaults, type ProbeScheduler, type SchedulerHooks, type SchedulerOptions } from "./types";

const RUN_QUEUE = "dockmaster-probe-run";
const MAINTENANCE_QUEUE = "dockmaster-probe-maintenance";
const MAINTENANCE_CRON = `*/${MAINTENANCE_EVERY_MS / 60_000} * * * *`;
const INSERT_CHUNK = 500;

export class PgBossScheduler implements ProbeScheduler {
  readonly mode = "pg-boss" as const;
  private readonly opts: Required<SchedulerOptions>;
  private readonly planner: Planner;
  private readonly boss: PgBoss;
  private readonly running = new Set<Promise<void>>();
  private readonly finished: string[] = [];
  private cancelPlan?: () => void;
  private pollTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    connectionString: string,
    private readonly hooks: SchedulerHooks,
    options: SchedulerOptions & { schema?: string } = {},
  ) {
    this.opts = { ...defaults, ...options };
    this.planner = new Planner(this.opts.lookaheadMs);
    this.boss = new PgBoss({
      connectionString,
      schema: options.schema ?? "pgboss",
      max: 4,
      application_name: "dockmaster-probes",
      schedule: !!hooks.maintenance,
      supervise: true,
      // A finished job's row is what stops another replica from queueing the same slot again, so it
      // must outlive the planners' catch-up window (CATCH_UP_MS); beyond that, probe jobs are noise.
      archiveCompletedAfterSeconds: 3600,
      deleteAfterHours: 6,
    });
    this.boss.on("error", (err) => console.error(`[probes] pg-boss: ${err.message}`));
  }

  /**
   * Replicas starting together race to create the same queue; pg-boss creates a partition per queue
   * and two concurrent creations can deadlock in PostgreSQL. The loser retries and finds it made.
   */
  private async ensureQueue(options: PgBoss.Queue) {
    for (let attempt = 1; ; attempt++) {
      if (await this.boss.getQueue(options.name)) return;
      try {
        await this.boss.createQueue(options.name, options);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 5 || (code !== "40P01" && code !== "23505")) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
      }
    }
  }

  async start() {
    await this.boss.start();
    await this.ensureQueue({ name: RUN_QUEUE, policy: "standard", retryLimit: 0 });
    if (this.hooks.maintenance) {
      const maintenance = this.hooks.maintenance;
      await this.ensureQueue({ name: MAINTENANCE_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 600 });
      await this.boss.schedule(MAINTENANCE_QUEUE, MAINTENANCE_CRON, {}, { singletonKey: "maintenance" });
      await this.boss.work(MAINTENANCE_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
        await maintenance();
      });
    }
    await this.plan();
    this.poll();
  }

  private async plan() {
    if (this.stopped) return;
    try {
      const targets = await this.hooks.loadTargets();
      const timeouts = new Map(targets.map((t) => [t.id, t.timeoutMs]));
      const jobs = this.planner.due(targets, this.opts.clock.now());
      for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
        await this.boss.insert(
          jobs.slice(i, i + INSERT_CHUNK).map((job) => ({
            id: jobIdOf(job),
            name: RUN_QUEUE,
            data: job,
            startAfter: new Date(job.slot).toISOString(),
            // A replica that dies mid-run leaves the job active; pg-boss expires it after this.
            expireInSeconds: Math.ceil((timeouts.get(job.targetId) ?? 10_000) / 1000) + 30,
            // An hour-old slot is history, not work: drop it if nobody ran it.
            keepUntil: new Date(job.slot + 3_600_000).toISOString(),
            retryLimit: 0,
          })),
        );
      }
    } catch (err) {
      if (!this.stopped) console.error(`[probes] planning failed: ${(err as Error).message}`);
    }
    if (!this.stopped) this.cancelPlan = this.opts.clock.after(this.opts.planEveryMs, () => this.plan());
  }

  /** Asks the queue for due jobs. This waits in real time whatever the clock: the database decides what is due. */
  private poll() {
    if (this.stopped) return;
    void this.fetchAndRun()
      .catch((err) => {
        if (!this.stopped) console.error(`[probes] polling failed: ${(err as Error).message}`);
        return false;
      })
      .then((full) => {
        if (this.stopped) return;
        // A full batch means more may be waiting: ask again at once.
        this.pollTimer = setTimeout(() => this.poll(), full ? 0 : this.opts.pollMs);
        this.pollTimer.unref();
      });
  }

  private async fetchAndRun(): Promise<boolean> {
    await this.flushCompleted();
    const free = this.opts.concurrency - this.running.size;
    if (free <= 0) return false;
    const jobs = await this.boss.fetch<ProbeJob>(RUN_QUEUE, { batchSize: free });
    for (const job of jobs) {
      const p = this.hooks
        .run(job.data)
        .catch((err) => console.error(`[probes] run failed: ${(err as Error).message}`))
        .finally(() => {
          this.running.delete(p);
          this.finished.push(job.id);
        });
      this.running.add(p);
    }
    return jobs.length === free;
  }

  private async flushCompleted() {
    if (this.finished.length === 0) return;
    const ids = this.finished.splice(0);
    await this.boss.complete(RUN_QUEUE, ids);
  }

  async stop({ graceful = true } = {}) {
    this.stopped = true;
    this.cancelPlan?.();
    clearTimeout(this.pollTimer);
    if (graceful) {
      await Promise.all([...this.running]);
      await this.flushCompleted().catch(() => undefined);
    }
    await this.boss.stop({ graceful, wait: true, close: true, timeout: 5000 });
  }
}
