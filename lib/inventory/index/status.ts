/**
 * How current the index is, per environment: what the sync status panel under Registries shows and
 * what /metrics counts as stale. Read from the sync state rows the lease keeps (lease.ts).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { VisibleEnvironments } from "./reads";
import { MAINTENANCE_EVERY_MS } from "./maintenance";

/** An environment the maintenance job syncs that has not synced in three of its runs has a problem nobody saw. */
export const OVERDUE_AFTER_MS = 3 * MAINTENANCE_EVERY_MS;

export type SyncStatusState = "never" | "running" | "stale" | "overdue" | "fresh";

export interface SyncStatusRow {
  environment: string;
  lastFullAt: Date | null;
  lastIncrementalAt: Date | null;
  /** the latest successful sync, full or incremental: what index-backed views show as "as of" */
  asOf: Date | null;
  /** ms since the latest successful sync, full or incremental; null when it never synced */
  lag: number | null;
  durationMs: number | null;
  repositories: number;
  tags: number;
  /** a replica holds an unexpired lease: a sync is under way */
  running: { owner: string; until: Date } | null;
  /** the last sync failed: the index is older than it looks since then */
  stale: { since: Date; error: string | null } | null;
  overdue: boolean;
  /** the one word for the row; running wins, then stale, then overdue */
  state: SyncStatusState;
}

/** The rows of the environments in `visible`, in the environments' order. */
export async function syncStatusRows(prisma: PrismaClient, visible: VisibleEnvironments, now: Date = new Date()): Promise<SyncStatusRow[]> {
  const envs = await prisma.environment.findMany({ where: visible === "all" ? {} : { name: { in: [...visible] } }, select: { name: true }, orderBy: { order: "asc" } });
  const states = new Map((await prisma.inventorySyncState.findMany({ where: { environment: { in: envs.map((e) => e.name) } } })).map((s) => [s.environment, s]));
  return envs.map((env) => {
    const s = states.get(env.name);
    const latest = Math.max(s?.lastFullAt?.getTime() ?? 0, s?.lastIncrementalAt?.getTime() ?? 0);
    const lag = latest ? now.getTime() - latest : null;
    const running = s?.leaseOwner && s.leaseUntil && s.leaseUntil > now ? { owner: s.leaseOwner, until: s.leaseUntil } : null;
    const stale = s?.staleSince ? { since: s.staleSince, error: s.error } : null;
    // every environment is on the maintenance job's timer (schedule.ts), whatever its registry kind
    const overdue = lag !== null && lag > OVERDUE_AFTER_MS;
    const state: SyncStatusState = running ? "running" : stale ? "stale" : overdue ? "overdue" : lag === null ? "never" : "fresh";
    return {
      environment: env.name,
      lastFullAt: s?.lastFullAt ?? null,
      lastIncrementalAt: s?.lastIncrementalAt ?? null,
      asOf: latest ? new Date(latest) : null,
      lag,
      durationMs: s?.lastDurationMs ?? null,
      repositories: s?.repositories ?? 0,
      tags: s?.tags ?? 0,
      running,
      stale,
      overdue,
      state,
    };
  });
}

/** Environments whose index cannot be trusted to be current (stale or overdue), over all environments: the /metrics gauge. */
export async function countStaleEnvironments(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
  return (await syncStatusRows(prisma, "all", now)).filter((r) => r.stale || r.overdue).length;
}
