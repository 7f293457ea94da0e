import { auditSenders } from "./audit/forward/sinks";
import { startAuditForwarding } from "./audit/forward/runner";
import { startGroupRefresh } from "./auth/ldap-refresh";
import { promotionDeps } from "./promotion/default-deps";
import { failInterruptedPromotions } from "./promotion/recover";
import { releaseDuePromotions } from "./promotion/scheduled";
import { syncDueEnvironments } from "./inventory/index/schedule";
import { startRereadQueue } from "./inventory/index/reread-jobs";
import { executionDeps, scheduledStartDeps } from "./retention/default-deps";
import { startScheduledExecution } from "./retention/execute-scheduled";
import { startRetentionQueue } from "./retention/execute-queue";
import { defaultExceptionSettings } from "./exceptions/config-schema";
import { sweepExceptions } from "./exceptions/maintenance";
import { postWebhook, resolveWebhookUrl } from "./probe/alerts/webhook";
import { runScheduledPlans } from "./retention/schedule";
import { getRuntime } from "./runtime";
import { plural } from "@/lib/plural";

// Imported only by instrumentation.ts in the Node.js runtime: a failed boot ends the process.
// The wiring of features happens here, above them: the probe scheduler's cluster-wide periodic job
// also sweeps promotions whose runner died with a replica that never restarted (lib/probe does not
// import lib/promotion), releases scheduled promotions whose change window opened (within one
// maintenance period of the opening), keeps the inventory index current, and audits and announces
// CVE exceptions that expire (the alert webhook of probes.webhook carries the warning), and computes
// scheduled retention plans, sent to the webhook for review; a plan whose every selecting rule says
// autoExecute, in an unprotected environment, is then queued for execution as the system actor
// "system:retention-schedule" (lib/retention/execute-scheduled.ts re-checks both when it starts and
// when its job runs).
try {
  const runtime = await getRuntime();
  const prisma = runtime.db.prisma;
  // registry events' re-reads: a pg-boss queue every replica works on PostgreSQL (in-process otherwise,
  // and when the scheduler is turned off for tests and tools)
  if (process.env.DOCKMASTER_DISABLE_SCHEDULER !== "1") await startRereadQueue({ prisma, database: runtime.db.kind, url: process.env.DATABASE_URL });
  // audit sinks: every replica forwards (one at a time per sink); a sink's sender is built here so a
  // missing HMAC secret stops the start, like any other configuration error
  const senders = auditSenders(runtime.config.audit?.forward ?? []);
  if (senders.size && process.env.DOCKMASTER_DISABLE_SCHEDULER !== "1") startAuditForwarding(prisma, senders);
  // retention plan executions: a pg-boss job per plan on PostgreSQL, in-process on the embedded database
  if (process.env.DOCKMASTER_DISABLE_SCHEDULER !== "1") await startRetentionQueue({ database: runtime.db.kind, url: process.env.DATABASE_URL, deps: executionDeps });
  // LDAP groups between sign-ins (auth.ldap.groupRefreshMinutes): roles follow the directory while sessions live on
  const ldap = runtime.config.auth?.ldap;
  if (ldap?.groupRefreshMinutes && process.env.DOCKMASTER_DISABLE_SCHEDULER !== "1") startGroupRefresh(prisma, { ...ldap, groupRefreshMinutes: ldap.groupRefreshMinutes });
  const { startProbeScheduler } = await import("./probe/service");
  await startProbeScheduler({
    prisma,
    database: runtime.db.kind,
    probes: runtime.config.probes,
    async maintenance() {
      const interrupted = await failInterruptedPromotions(prisma);
      if (interrupted) console.warn(`[dockmaster] ${plural(interrupted, "promotion")} stopped making progress and were marked failed; retry them to resume`);
      const released = await releaseDuePromotions(await promotionDeps());
      if (released) console.warn(`[dockmaster] ${plural(released, "scheduled promotion")} left the schedule: their change window opened`);
      for (const r of await syncDueEnvironments(prisma)) if (r.error) console.warn(`[inventory] sync of environment ${r.environment} failed: ${r.error}`);
      const { warnDays } = runtime.config.exceptions ?? defaultExceptionSettings;
      await sweepExceptions(prisma, { now: new Date(), warnDays, webhookUrl: resolveWebhookUrl(runtime.config.probes?.webhook?.url) });
      const plans = await runScheduledPlans(prisma, { resolveWebhook: (v) => resolveWebhookUrl(v), defaultWebhookUrl: resolveWebhookUrl(runtime.config.probes?.webhook?.url), post: (url, body) => postWebhook(url, body), autoExecute: async (plan) => void (await startScheduledExecution(await scheduledStartDeps(), plan)) });
      for (const r of plans) if (r.error) console.warn(`[retention] scheduled plan of environment ${r.environment}: ${r.error}`);
    },
  });
} catch (err) {
  console.error(`[dockmaster] start-up failed:\n${(err as Error).message}`);
  process.exit(1);
}
