/** Execution's dependencies as the running app has them: its database, its providers, its config. */
import { providerFor } from "@/lib/inventory/connection";
import { getRuntime } from "@/lib/runtime";
import type { StartDeps } from "./execute";
import { defaultRetentionExecution, retentionExecuteBy } from "./execute-config";
import { retentionQueue } from "./execute-queue";
import type { ExecutionDeps } from "./execute-run";
import { liveProtectionCheck } from "./protection-live";

export async function executionDeps(): Promise<ExecutionDeps> {
  const runtime = await getRuntime();
  const prisma = runtime.db.prisma;
  const settings = runtime.config.retention ?? defaultRetentionExecution;
  return {
    prisma,
    async provider(environment) {
      const env = await prisma.environment.findUnique({ where: { name: environment }, include: { registry: true } });
      return env ? providerFor(env.registry) : null;
    },
    protection: liveProtectionCheck(prisma, { recentPromotionDays: settings.recentPromotionDays }),
    ratePerSecond: settings.deleteRatePerSecond,
  };
}

/** The schedule's autoExecute (lib/boot-on-start.ts): the same queue as people's executions, no permission check (the config authorizes it). */
export async function scheduledStartDeps(): Promise<Pick<StartDeps, "prisma" | "enqueue">> {
  const runtime = await getRuntime();
  const queue = retentionQueue(executionDeps);
  return { prisma: runtime.db.prisma, enqueue: (job) => queue.enqueue(job) };
}

export async function startDeps(): Promise<StartDeps> {
  const runtime = await getRuntime();
  const queue = retentionQueue(executionDeps);
  return {
    prisma: runtime.db.prisma,
    executeBy: (environment) => retentionExecuteBy(runtime.config.environments, environment),
    enqueue: (job) => queue.enqueue(job),
  };
}
