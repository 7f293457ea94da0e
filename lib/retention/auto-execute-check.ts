/**
 * The authorization of the schedule's unattended executions, asked at the moment of execution (see
 * execute-scheduled.ts): the system actor it runs as, the check against the environment as it is now,
 * and its audited refusal. The job runner (execute-queue.ts) asks it before every run of a system job,
 * so this file is on the path of every execution, people's included; it can only refuse. The entry that
 * starts an unattended execution lives apart, in execute-scheduled.ts, which no request reaches.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { RETENTION_SCHEDULE_ACTOR } from "@/lib/audit/system-actors";
import { UserFacingError } from "@/lib/errors";
import { autoExecuteRefusal } from "./auto-execute-policy";
import { RunnerBusyError, type ExecutionActor } from "./execute-run";
import { retentionPolicyOf } from "./plan-load";
import type { RetentionPlanItem } from "./types";

/** The scheduler's principal: no id (no user row), a reserved "system:" name. */
export const SCHEDULE_EXECUTOR: Readonly<ExecutionActor> = Object.freeze({ id: null, email: RETENTION_SCHEDULE_ACTOR });

export const isScheduleExecutor = (actor: ExecutionActor) => actor.id === null && actor.email === RETENTION_SCHEDULE_ACTOR;

export class AutoExecuteRefusedError extends UserFacingError {
  constructor(planId: string, readonly reason: string) {
    super(`retention plan ${planId} is not executed automatically: ${reason}`, "forbidden");
    this.name = "AutoExecuteRefusedError";
  }
}

type PlanRow = { id: string; environment: string; items: unknown };

/** Why the system may not execute this plan now (null: it may), from the environment as it is now. */
export async function refusalNow(prisma: PrismaClient, plan: PlanRow): Promise<string | null> {
  const env = await prisma.environment.findUnique({ where: { name: plan.environment }, select: { name: true, protected: true, retention: true } });
  if (!env) return `environment ${plan.environment} no longer exists`;
  // protection first: a protected environment's policy is not even read
  if (env.protected) return autoExecuteRefusal(env, { rules: [] }, []);
  let policy;
  try {
    policy = retentionPolicyOf(env);
  } catch (err) {
    return `the retention policy of ${env.name} cannot be read now: ${(err as Error).message}`;
  }
  return autoExecuteRefusal(env, policy, (Array.isArray(plan.items) ? plan.items : []) as RetentionPlanItem[]);
}

export async function auditRefusal(prisma: PrismaClient, plan: PlanRow, reason: string, stage: "start" | "job"): Promise<void> {
  await writeAudit(prisma, {
    actor: SCHEDULE_EXECUTOR,
    action: "retention.execute",
    target: { type: "retention-plan", id: plan.id },
    outcome: "denied",
    detail: { environment: plan.environment, automatic: true, stage, reason },
  });
}

/**
 * Asked by the job runner before it runs a job of the system actor: true when it may go on. When the
 * environment or its rules no longer allow it, the refusal is audited and the plan is handed back
 * (planned, or partial if some items were already done) for a person to review; the job ends.
 */
export async function scheduledJobMayRun(prisma: PrismaClient, planId: string): Promise<boolean> {
  const plan = await prisma.retentionPlan.findUnique({ where: { id: planId }, select: { id: true, environment: true, items: true, outcomes: true } });
  if (!plan) return false;
  const reason = await refusalNow(prisma, plan);
  if (!reason) return true;
  const started = Array.isArray(plan.outcomes) && plan.outcomes.length > 0;
  // only a plan no runner holds: a retried job must not pull the plan from under a run still going on
  // (that run's own saves need "executing"); it is retried later, when the claim is gone
  const handed = await prisma.retentionPlan.updateMany({
    where: { id: planId, status: "executing", OR: [{ runnerUntil: null }, { runnerUntil: { lt: new Date() } }] },
    data: { status: started ? "partial" : "planned", runner: null, runnerUntil: null, ...(started ? { finishedAt: new Date() } : { executedAt: null, executedById: null, executedByEmail: null }) },
  });
  if (handed.count !== 1) {
    const held = await prisma.retentionPlan.findUnique({ where: { id: planId }, select: { status: true, runnerUntil: true } });
    if (held?.status === "executing") throw new RunnerBusyError(planId, held.runnerUntil);
    return false;
  }
  await auditRefusal(prisma, plan, reason, "job");
  return false;
}
