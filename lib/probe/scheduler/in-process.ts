/**
 * The scheduler for the embedded database (PGlite is one in-process connection, so there is only
 * ever one replica): due slots become timers, runs go through a concurrency gate.
 */
import { Planner, type ProbeJob } from "./slots";
import { defaults, type ProbeScheduler, type SchedulerHooks, type SchedulerOptions } from "./types";

export class InProcessScheduler implements ProbeScheduler {
  readonly mode = "in-process" as const;
  private readonly opts: Required<SchedulerOptions>;
  private readonly planner: Planner;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting: ProbeJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private planTimer?: NodeJS.Timeout;
  private maintenanceTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly hooks: SchedulerHooks,
    options: SchedulerOptions = {},
  ) {
    this.opts = { ...defaults, ...options };
    this.planner = new Planner(this.opts.lookaheadMs);
  }

  async start() {
    await this.plan();
    if (this.hooks.maintenance) {
      this.maintenanceTimer = setInterval(() => void this.hooks.maintenance!().catch((err) => console.error(`[probes] maintenance failed: ${(err as Error).message}`)), this.opts.maintenanceEveryMs);
      this.maintenanceTimer.unref();
    }
  }

  private async plan() {
    if (this.stopped) return;
    try {
      const now = Date.now();
      for (const job of this.planner.due(await this.hooks.loadTargets(), now)) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.enqueue(job);
        }, job.slot - now);
        this.timers.add(timer);
      }
    } catch (err) {
      console.error(`[probes] planning failed: ${(err as Error).message}`);
    }
    if (!this.stopped) {
      this.planTimer = setTimeout(() => void this.plan(), this.opts.planEveryMs);
      this.planTimer.unref();
    }
  }

  private enqueue(job: ProbeJob) {
    if (this.stopped) return;
    if (this.running.size >= this.opts.concurrency) {
      this.waiting.push(job);
      return;
    }
    const p = this.hooks
      .run(job)
      .catch((err) => console.error(`[probes] run failed: ${(err as Error).message}`))
      .finally(() => {
        this.running.delete(p);
        const next = this.waiting.shift();
        if (next) this.enqueue(next);
      });
    this.running.add(p);
  }

  async stop({ graceful = true } = {}) {
    this.stopped = true;
    clearTimeout(this.planTimer);
    clearInterval(this.maintenanceTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.waiting.length = 0;
    if (graceful) await Promise.all([...this.running]);
  }
}
