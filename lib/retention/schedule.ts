/**
 * Scheduled plans (retention.schedule.everyHours): run by the cluster-wide maintenance job (pg-boss on
 * PostgreSQL, lib/boot-on-start.ts), each due environment gets a plan computed from the index,
 * stored and audited like any other (author "system:schedule"), and sent to the environment's
 * webhook (retention.webhook, else probes.webhook.url) for a person to review.
 *
 * Execution is never automatic unless every rule that selected an item says autoExecute: true and
 * the environment is not protected (mayAutoExecute); even then it goes through `autoExecute`, the
 * execution path's own entry, which this file does not have (it cannot delete: plan-imports.test.ts).
 */
import { plural } from "@/lib/plural";
import type { PrismaClient } from "@/lib/db/generated/client";
import { autoExecuteRefusal } from "./auto-execute-policy";
import { retentionPolicyOf } from "./plan-load";
import type { RetentionPolicy } from "@/lib/config/retention";
import type { StoredPlan } from "./plan-store";
import { computeAndStorePlan } from "./service";

export const SCHEDULE_AUTHOR = "system:schedule";
const HOUR_MS = 3_600_000;
/** the webhook carries a sample; the whole plan is one GET away */
const ITEMS_IN_WEBHOOK = 50;

export interface RetentionPlanEvent {
  event: "retention.plan";
  environment: string;
  /** bytes: the naive sum of manifest sizes; reclaim: shared layers counted once (lib/retention/reclaim.ts) */
  plan: { id: string; hash: string; items: number; protected: number; bytes: number; reclaim: StoredPlan["reclaim"]; indexedAsOf: string | null; autoExecute: boolean; api: string; page: string };
  items: StoredPlan["items"];
  message: string;
  source: "dockmaster";
}

export interface ScheduleDeps {
  now?: Date;
  /** resolves a webhook setting (URL or ${ENV}); the alert webhook's resolver in production */
  resolveWebhook(configured: string | undefined): string | undefined;
  /** the installation's default webhook (probes.webhook.url), already resolved */
  defaultWebhookUrl?: string;
  post(url: string, body: RetentionPlanEvent): Promise<void>;
  /** the execution path's entry for unattended plans; absent: nothing is ever executed */
  autoExecute?: (plan: StoredPlan) => Promise<void>;
}

export interface ScheduledPlanReport {
  environment: string;
  planId?: string;
  sentTo?: "environment" | "default";
  autoExecuted?: boolean;
  error?: string;
}

/** Unattended execution: only in an unprotected environment, and only if every rule that chose an item allows it. */
function mayAutoExecute(env: { name: string; protected: boolean }, policy: RetentionPolicy, plan: Pick<StoredPlan, "items">): boolean {
  return autoExecuteRefusal(env, policy, plan.items) === null;
}

export async function runScheduledPlans(prisma: PrismaClient, deps: ScheduleDeps): Promise<ScheduledPlanReport[]> {
  const now = deps.now ?? new Date();
  const envs = await prisma.environment.findMany({ orderBy: { order: "asc" } });
  const out: ScheduledPlanReport[] = [];
  for (const env of envs) {
    if (env.retention == null) continue;
    let policy: RetentionPolicy;
    try {
      policy = retentionPolicyOf(env);
    } catch (err) {
      out.push({ environment: env.name, error: errorText(err) });
      continue;
    }
    if (!policy.schedule) continue;
    const last = await prisma.retentionPlan.findFirst({ where: { environment: env.name, createdByEmail: SCHEDULE_AUTHOR }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
    if (last && now.getTime() - last.createdAt.getTime() < policy.schedule.everyHours * HOUR_MS) continue;
    const report: ScheduledPlanReport = { environment: env.name };
    out.push(report);
    try {
      const plan = await computeAndStorePlan(prisma, env.name, { id: null, email: SCHEDULE_AUTHOR }, now);
      report.planId = plan.id;
      const auto = mayAutoExecute(env, policy, plan);
      const own = deps.resolveWebhook(policy.webhook);
      const url = own ?? deps.defaultWebhookUrl;
      if (url) {
        await deps.post(url, planEvent(plan, auto));
        report.sentTo = own ? "environment" : "default";
      }
      if (auto && deps.autoExecute) {
        await deps.autoExecute(plan);
        report.autoExecuted = true;
      }
    } catch (err) {
      // a refused policy or an unreachable webhook is reported; the other environments still run
      report.error = errorText(err);
    }
  }
  return out;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function planEvent(plan: StoredPlan, autoExecute: boolean): RetentionPlanEvent {
  const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  const size = plan.reclaim ? `${plan.reclaim.upperBound ? "at most " : ""}${mib(plan.reclaim.bytes)} MiB freed, shared layers counted once; ${mib(plan.bytes)} MiB of manifests` : `${mib(plan.bytes)} MiB`;
  return {
    event: "retention.plan",
    environment: plan.environment,
    plan: {
      id: plan.id,
      hash: plan.hash,
      items: plan.items.length,
      protected: plan.protected.length,
      bytes: plan.bytes,
      reclaim: plan.reclaim,
      indexedAsOf: plan.indexedAsOf,
      autoExecute,
      api: `/api/v1/retention/plans/${plan.id}`,
      page: `/retention?environment=${encodeURIComponent(plan.environment)}&plan=${plan.id}`,
    },
    items: plan.items.slice(0, ITEMS_IN_WEBHOOK),
    message: `Retention plan for ${plan.environment}: ${plural(plan.items.length, "tag or manifest", "tags or manifests")} would be deleted (${size}), ${plan.protected.length} protected; ${autoExecute ? "it will be executed automatically (autoExecute)" : "review it and execute it by quoting its hash"}`,
    source: "dockmaster",
  };
}
