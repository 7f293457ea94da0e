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
  /** cancellers of the slots waiting for their instant */
  private readonly timers = new Set<() => void>();
  private readonly waiting: ProbeJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private cancelPlan?: () => void;
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
      const targets = await this.hooks.loadTargets();
      const now = this.opts.clock.now();
      for (const job of this.planner.due(targets, now)) {
        const cancel = this.opts.clock.after(job.slot - now, () => {
          this.timers.delete(cancel);
          this.enqueue(job);
        });
        this.timers.add(cancel);
      }
    } catch (err) {
      console.error(`[probes] planning failed: ${(err as Error).message}`);
    }
    if (!this.stopped) this.cancelPlan = this.opts.clock.after(this.opts.planEveryMs, () => this.plan());
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
    this.cancelPlan?.();
    clearInterval(this.maintenanceTimer);
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.waiting.length = 0;
    if (graceful) await Promise.all([...this.running]);
  }
}
