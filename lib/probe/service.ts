/**
 * Starts the probe scheduler for this process: pg-boss on PostgreSQL (shared by all replicas), an
 * in-process scheduler on the embedded database. DOCKMASTER_DISABLE_SCHEDULER=1 turns it off
 * (tests and tools that open the app's database without wanting probes to run).
 */
import type { Runtime } from "@/lib/runtime";
import { resolveWebhookUrl } from "./alerts/webhook";
import { dbProbeContext } from "./context";
import { failInterruptedPromotions } from "@/lib/promotion/recover";
import { createJobRunner, runMaintenance } from "./runner";
import { InProcessScheduler } from "./scheduler/in-process";
import { PgBossScheduler } from "./scheduler/pg-boss";
import type { ProbeScheduler, SchedulerHooks } from "./scheduler/types";

const holder = globalThis as unknown as { __dmProbeScheduler?: ProbeScheduler };

function schedulerDisabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.DOCKMASTER_DISABLE_SCHEDULER === "1";
}

export async function startProbeScheduler(runtime: Runtime): Promise<ProbeScheduler | null> {
  if (schedulerDisabled() || holder.__dmProbeScheduler) return holder.__dmProbeScheduler ?? null;
  const prisma = runtime.db.prisma;
  const probes = runtime.config.probes;
  const webhookUrl = () => resolveWebhookUrl(probes?.webhook?.url);
  const retention = { rawDays: probes?.retention.rawDays ?? 7, rollupDays: probes?.retention.rollupDays ?? 400 };
  const hooks: SchedulerHooks = {
    loadTargets: () => prisma.probeTarget.findMany({ where: { enabled: true }, select: { id: true, intervalSeconds: true, timeoutMs: true } }),
    run: createJobRunner({ prisma, context: dbProbeContext(prisma), webhookUrl }),
    // the app's one cluster-wide periodic job (once per period across replicas), so it also sweeps
    // promotions whose runner died with a replica that never restarted
    maintenance: async () => {
      await runMaintenance(prisma, retention, webhookUrl());
      const interrupted = await failInterruptedPromotions(prisma);
      if (interrupted) console.warn(`[dockmaster] ${interrupted} promotion(s) stopped making progress and were marked failed; retry them to resume`);
    },
  };
  const url = process.env.DATABASE_URL;
  const scheduler = runtime.db.kind === "postgres" && url ? new PgBossScheduler(url, hooks) : new InProcessScheduler(hooks);
  await scheduler.start();
  holder.__dmProbeScheduler = scheduler;
  console.log(`[dockmaster] probe scheduler started (${scheduler.mode})`);
  return scheduler;
}
