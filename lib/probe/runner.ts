import type { PrismaClient } from "@/lib/db/generated/client";
import { evaluateAlerts } from "./alerts/evaluate";
import { deliverAlertEvents, retryFailedNotifications } from "./alerts/notify";
import type { ProbeContext } from "./context";
import { runProbe } from "./kinds";
import { recordRun } from "./metrics";
import { storeResult } from "./results";
import { pruneResults, rollupPending, type Retention } from "./rollup";
import { isSlotOf, type ProbeJob } from "./scheduler/slots";
import { toSpec, type ProbeOutcome, type ProbeTargetSpec } from "./types";

export interface RunnerDeps {
  prisma: PrismaClient;
  context: ProbeContext;
  webhookUrl(): string | undefined;
  /** observability and benchmarks */
  onRun?(info: { target: ProbeTargetSpec; job: ProbeJob; outcome: ProbeOutcome; driftMs: number }): void;
}

/** One scheduled run: probe, store, evaluate alerts, notify. Stale and orphaned jobs are dropped here. */
export function createJobRunner(deps: RunnerDeps) {
  return async (job: ProbeJob): Promise<void> => {
    const row = await deps.prisma.probeTarget.findUnique({ where: { id: job.targetId } });
    if (!row || !row.enabled || !isSlotOf(row, job.slot)) return;
    const startedAt = Date.now();
    // Queued before a long outage: a newer slot is already due, so this one is history.
    if (startedAt - job.slot >= row.intervalSeconds * 1000) return;
    const target = toSpec(row);
    const outcome = await runProbe(target, deps.context);
    await storeResult(deps.prisma, target, outcome, { at: new Date(startedAt), scheduledAt: new Date(job.slot) });
    const events = await evaluateAlerts(deps.prisma, target);
    await deliverAlertEvents(deps.prisma, events, deps.webhookUrl());
    const driftMs = startedAt - job.slot;
    recordRun(target, outcome, driftMs);
    deps.onRun?.({ target, job, outcome, driftMs });
  };
}

export async function runMaintenance(prisma: PrismaClient, retention: Retention, webhookUrl: string | undefined) {
  const rolled = await rollupPending(prisma);
  const pruned = await pruneResults(prisma, retention);
  const resent = await retryFailedNotifications(prisma, webhookUrl);
  return { rolled, pruned, resent };
}
