/**
 * Unattended execution of a scheduled plan (retention rules' autoExecute: true). Nobody confirms the
 * hash here, so nobody's rights are used either: the actor is Dockmaster's own system actor
 * "system:retention-schedule", which is no user row, cannot sign in, and is refused by every request
 * gate (lib/auth/enforce.ts). Only lib/boot-on-start.ts calls this file (test/api/system-actor.test.ts
 * checks that no route, page or server action reaches it).
 *
 * What authorizes it is the configuration, asked again at the moment of execution rather than trusted
 * from the time of planning: the environment must not be protected, and every rule that selected an
 * item must still say autoExecute (auto-execute-policy.ts). This is asked when the plan is claimed,
 * and again when its job runs (auto-execute-check.ts, asked by the job runner) (the queue may run it later, or retry it after a crash). A refusal is an
 * audit row (outcome "denied", the system actor named) and leaves the plan for a person to review.
 *
 * Past that check the plan takes the people's path unchanged: claimAndEnqueue (one compare-and-set,
 * quoting the plan's own hash), the same job, the same live re-check of each item, token bucket,
 * per-item audit rows, tag events (source retention) and resume (a retried job resumes from the saved
 * outcomes; a plan left partial waits for a person, like anyone's).
 */
import { NotFoundError } from "@/lib/errors";
import { auditRefusal, AutoExecuteRefusedError, refusalNow, SCHEDULE_EXECUTOR } from "./auto-execute-check";
import { claimAndEnqueue, PlanConflictError, RUNNABLE_STATUSES, type StartDeps } from "./execute";

export { AutoExecuteRefusedError } from "./auto-execute-check";

/**
 * The schedule's autoExecute entry: starts the plan's execution as the system actor, quoting the
 * plan's own hash, if the environment and its rules allow it now. Throws AutoExecuteRefusedError
 * (audited) otherwise, PlanConflictError when the plan changed or is no longer runnable.
 */
export async function startScheduledExecution(deps: Pick<StartDeps, "prisma" | "enqueue">, quoted: { id: string; hash: string }): Promise<{ id: string; status: "executing"; items: number }> {
  const { prisma } = deps;
  const plan = await prisma.retentionPlan.findUnique({ where: { id: quoted.id }, select: { id: true, environment: true, hash: true, status: true, items: true } });
  if (!plan) throw new NotFoundError(`no retention plan ${quoted.id}`);
  if (plan.hash !== quoted.hash) {
    await auditRefusal(prisma, plan, "hash mismatch: the stored plan is not the one the schedule computed", "start");
    throw new PlanConflictError(`plan ${plan.id} is not the plan the schedule computed (hash ${quoted.hash.slice(0, 12)}…): not executed`);
  }
  // only a fresh plan: a partial one (stopped at an error) waits for a person to look at it and resume
  if (plan.status !== RUNNABLE_STATUSES[0]) throw new PlanConflictError(`plan ${plan.id} is ${plan.status}: the schedule executes only a plan it just computed`);
  const reason = await refusalNow(prisma, plan);
  if (reason) {
    await auditRefusal(prisma, plan, reason, "start");
    throw new AutoExecuteRefusedError(plan.id, reason);
  }
  return claimAndEnqueue(deps, plan, SCHEDULE_EXECUTOR, { detail: { automatic: true, hash: plan.hash } });
}
