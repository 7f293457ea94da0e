import { promotionDeps } from "./promotion/default-deps";
import { failInterruptedPromotions } from "./promotion/recover";
import { releaseDuePromotions } from "./promotion/scheduled";
import { syncDueEnvironments } from "./inventory/index/schedule";
import { getRuntime } from "./runtime";

// Imported only by instrumentation.ts in the Node.js runtime: a failed boot ends the process.
// The wiring of features happens here, above them: the probe scheduler's cluster-wide periodic job
// also sweeps promotions whose runner died with a replica that never restarted (lib/probe does not
// import lib/promotion), releases scheduled promotions whose change window opened (within one
// maintenance period of the opening), and keeps the inventory index of plain OCI environments current.
try {
  const runtime = await getRuntime();
  const prisma = runtime.db.prisma;
  const { startProbeScheduler } = await import("./probe/service");
  await startProbeScheduler({
    prisma,
    database: runtime.db.kind,
    probes: runtime.config.probes,
    async maintenance() {
      const interrupted = await failInterruptedPromotions(prisma);
      if (interrupted) console.warn(`[dockmaster] ${interrupted} promotion(s) stopped making progress and were marked failed; retry them to resume`);
      const released = await releaseDuePromotions(await promotionDeps());
      if (released) console.warn(`[dockmaster] ${released} scheduled promotion(s) left the schedule: their change window opened`);
      for (const r of await syncDueEnvironments(prisma)) if (r.error) console.warn(`[inventory] sync of environment ${r.environment} failed: ${r.error}`);
    },
  });
} catch (err) {
  console.error(`[dockmaster] start-up failed:\n${(err as Error).message}`);
  process.exit(1);
}
