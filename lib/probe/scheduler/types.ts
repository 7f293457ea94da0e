import { MAINTENANCE_EVERY_MS } from "@/lib/inventory/index/maintenance";
import { systemClock, type Clock } from "./clock";
import type { ProbeJob, ScheduledTarget } from "./slots";

export interface SchedulerHooks {
  /** enabled targets, re-read on every planning pass so UI changes apply within seconds */
  loadTargets(): Promise<ScheduledTarget[]>;
  /** runs one probe; the job may be stale or for a removed target, which the runner checks */
  run(job: ProbeJob): Promise<void>;
  /** rollups, retention, webhook retries: once per period across all replicas */
  maintenance?(): Promise<void>;
}

export interface SchedulerOptions {
  /** how far ahead jobs are queued (default 30 s) */
  lookaheadMs?: number;
  /** how often targets are re-read and new slots queued (default 2 s) */
  planEveryMs?: number;
  /** how often a replica asks the queue for due jobs (default 200 ms) */
  pollMs?: number;
  /** probes running at once per replica (default 32) */
  concurrency?: number;
  /** in-process only: maintenance period (default 5 min); pg-boss uses a cron schedule */
  maintenanceEveryMs?: number;
  /** what slots are planned by and planning passes and due slots wait on (default: the system clock) */
  clock?: Clock;
}

export interface ProbeScheduler {
  readonly mode: "pg-boss" | "in-process";
  start(): Promise<void>;
  /** graceful waits for running probes; not graceful simulates a crashed replica (tests) */
  stop(opts?: { graceful?: boolean }): Promise<void>;
}

export const defaults = {
  lookaheadMs: 30_000,
  planEveryMs: 2_000,
  pollMs: 200,
  concurrency: 32,
  maintenanceEveryMs: MAINTENANCE_EVERY_MS,
  clock: systemClock,
} satisfies Required<SchedulerOptions>;
