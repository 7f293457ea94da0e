/**
 * Starting the execution of a stored plan: the caller must be allowed (retention.execute for the plan's
 * environment), must quote the plan's hash (what they reviewed is what runs), and the plan must be
 * "planned" or "partial" (a resume). The status moves to "executing" by one compare-and-set, so of two
 * clicks, two replicas or a click and a pipeline only one starts it; the deletions run as a job.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { enforce, type Principal } from "@/lib/auth/enforce";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import type { ExecutionActor } from "./execute-run";

export const RUNNABLE_STATUSES = ["planned", "partial"] as const;
/** how much of the hash a person types to confirm in the UI (the API takes the whole hash) */
export const CONFIRM_PREFIX_LENGTH = 12;

export interface RetentionExecutionJob {
  planId: string;
  actor: ExecutionActor;
}

export interface StartDeps {
  prisma: PrismaClient;
  /** who the environment's retention config lets execute (retentionExecuteBy) */
  executeBy(environment: string): "admin" | "approver";
  enqueue(job: RetentionExecutionJob): Promise<void>;
}

export class PlanConflictError extends UserFacingError {
  constructor(message: string) {
    super(message, "conflict");
    this.name = "PlanConflictError";
  }
}

export async function startPlanExecution(deps: StartDeps, principal: Principal | null, planId: string, hash: string): Promise<{ id: string; status: "executing"; items: number }> {
  const { prisma } = deps;
  const plan = await prisma.retentionPlan.findUnique({ where: { id: planId }, select: { id: true, environment: true, hash: true, status: true, items: true } });
  if (!plan) throw new NotFoundError(`no retention plan ${planId}`);
  const caller = await enforce(prisma, principal, "retention.execute", { environment: plan.environment, retentionExecuteBy: deps.executeBy(plan.environment) });
  if (hash !== plan.hash) {
    await writeAudit(prisma, { actor: caller, action: "retention.execute", target: { type: "retention-plan", id: plan.id }, outcome: "failure", sourceIp: caller.ip, detail: { environment: plan.environment, error: "hash mismatch", quoted: hash.slice(0, 64) } });
    throw new PlanConflictError(`the hash you confirmed (${hash.slice(0, 12) || "empty"}…) is not this plan's (${plan.hash.slice(0, 12)}…): review the plan again and quote its hash`);
  }
  if (!(RUNNABLE_STATUSES as readonly string[]).includes(plan.status)) {
    throw new PlanConflictError(`plan ${plan.id} is ${plan.status}: only a planned plan, or a partial one (to resume), can be executed`);
  }
  return claimAndEnqueue(deps, plan, { id: caller.id, email: caller.email }, { sourceIp: caller.ip, detail: caller.viaToken ? { token: caller.viaToken } : {} });
}

/**
 * The one way a plan starts, for people and the schedule alike: the status moves to "executing" by one
 * compare-and-set (with the hash that was quoted), the start is audited in the same transaction, then
 * the job is queued; a queue that refuses gives the plan back.
 */
export async function claimAndEnqueue(
  deps: Pick<StartDeps, "prisma" | "enqueue">,
  plan: { id: string; environment: string; hash: string; status: string; items: unknown },
  actor: ExecutionActor,
  audit: { sourceIp?: string | null; detail?: Record<string, unknown> } = {},
): Promise<{ id: string; status: "executing"; items: number }> {
  const { prisma } = deps;
  const claimed = await prisma.$transaction(async (tx) => {
    const won = await tx.retentionPlan.updateMany({
      where: { id: plan.id, hash: plan.hash, status: { in: [...RUNNABLE_STATUSES] } },
      data: { status: "executing", executedById: actor.id, executedByEmail: actor.email, executedAt: new Date(), finishedAt: null },
    });
    if (won.count !== 1) return false;
    await writeAudit(tx, { actor, action: "retention.execute.start", target: { type: "retention-plan", id: plan.id }, outcome: "success", sourceIp: audit.sourceIp ?? null, detail: { environment: plan.environment, resume: plan.status === "partial", ...audit.detail } });
    return true;
  });
  if (!claimed) throw new PlanConflictError(`plan ${plan.id} was started by someone else a moment ago`);
  try {
    await deps.enqueue({ planId: plan.id, actor: { id: actor.id, email: actor.email } });
  } catch (err) {
    // nothing will run it: give the plan back, or it would look started forever
    await prisma.retentionPlan.updateMany({ where: { id: plan.id, status: "executing" }, data: { status: plan.status } });
    throw err;
  }
  return { id: plan.id, status: "executing", items: Array.isArray(plan.items) ? plan.items.length : 0 };
}
