/**
 * Starts the probe scheduler for this process: pg-boss on PostgreSQL (shared by all replicas), an
 * in-process scheduler on the embedded database. DOCKMASTER_DISABLE_SCHEDULER=1 turns it off
 * (tests and tools that open the app's database without wanting probes to run).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { resolveWebhookUrl } from "./alerts/webhook";
import type { ProbesConfig } from "./config-schema";
import { dbProbeContext } from "./context";
import { createJobRunner, runMaintenance } from "./runner";
import { InProcessScheduler } from "./scheduler/in-process";
import { PgBossScheduler } from "./scheduler/pg-boss";
import type { ProbeScheduler, SchedulerHooks } from "./scheduler/types";

const holder = globalThis as unknown as { __dmProbeScheduler?: ProbeScheduler };

export function schedulerDisabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.DOCKMASTER_DISABLE_SCHEDULER === "1";
}

export interface SchedulerSetup {
  prisma: PrismaClient;
  /** pg-boss needs PostgreSQL; the embedded database gets the in-process scheduler */
  database: "postgres" | "pglite";
  probes: ProbesConfig | undefined;
  /**
   * Other periodic work that should run once per period across replicas, on the scheduler's one
   * cluster-wide maintenance job (the wiring in lib/boot-on-start.ts passes the promotion sweep).
   */
  maintenance?: () => Promise<void>;
}

export async function startProbeScheduler(setup: SchedulerSetup): Promise<ProbeScheduler | null> {
  if (schedulerDisabled() || holder.__dmProbeScheduler) return holder.__dmProbeScheduler ?? null;
  const { prisma, probes } = setup;
  const webhookUrl = () => resolveWebhookUrl(probes?.webhook?.url);
  const retention = { rawDays: probes?.retention.rawDays ?? 7, rollupDays: probes?.retention.rollupDays ?? 400 };
  const hooks: SchedulerHooks = {
    loadTargets: () => prisma.probeTarget.findMany({ where: { enabled: true }, select: { id: true, intervalSeconds: true, timeoutMs: true } }),
    run: createJobRunner({ prisma, context: dbProbeContext(prisma), webhookUrl }),
    maintenance: async () => {
      await runMaintenance(prisma, retention, webhookUrl());
      await setup.maintenance?.();
    },
  };
  const url = process.env.DATABASE_URL;
  const scheduler = setup.database === "postgres" && url ? new PgBossScheduler(url, hooks) : new InProcessScheduler(hooks);
  await scheduler.start();
  holder.__dmProbeScheduler = scheduler;
  console.log(`[dockmaster] probe scheduler started (${scheduler.mode})`);
  return scheduler;
}
