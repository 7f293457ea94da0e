/**
 * Retention plans for the UI, the REST API and the schedule alike: permission first (on the server,
 * whatever the UI showed), then the index, then the pure planner, then the stored plan with its
 * audit row. Nothing here can delete: see plan.ts.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { enforce, type Principal } from "@/lib/auth/enforce";
import { computePlan } from "./plan";
import { loadPlanInput } from "./plan-load";
import { findPlan, savePlan, type PlanAuthor, type StoredPlan } from "./plan-store";
import { withReclaim } from "./reclaim-load";

/** Computes and stores a plan for `environment` as `author`, without a permission check (the schedule). */
export async function computeAndStorePlan(prisma: PrismaClient, environment: string, author: PlanAuthor, now = new Date()): Promise<StoredPlan> {
  const { input, indexedAsOf } = await loadPlanInput(prisma, environment, now);
  // the pure plan first, then what it frees with shared layers counted once (one more query)
  return savePlan(prisma, environment, await withReclaim(prisma, input, computePlan(input)), indexedAsOf, author, now);
}

export async function createRetentionPlan(prisma: PrismaClient, principal: Principal | null, environment: string, now = new Date()): Promise<StoredPlan> {
  const caller = await enforce(prisma, principal, "retention.plan", { environment });
  return computeAndStorePlan(prisma, environment, { id: caller.id, email: caller.email, ip: caller.ip, viaToken: caller.viaToken }, now);
}

/** Reading a plan needs the same right as computing one in its environment. */
export async function readRetentionPlan(prisma: PrismaClient, principal: Principal | null, id: string): Promise<StoredPlan> {
  const plan = await findPlan(prisma, id);
  await enforce(prisma, principal, "retention.plan", { environment: plan.environment });
  return plan;
}
