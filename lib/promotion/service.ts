import { z } from "zod";
import type { Prisma } from "@/lib/db/generated/client";
import { enforce, type Principal } from "@/lib/auth/enforce";
import { requireDecision } from "./authorize";
import { decide } from "@/lib/auth/policy";
import { promotionKey } from "@/lib/ids";
import { isDigest, TAG_PATTERN } from "@/lib/registry";
import type { ApprovalStanding } from "./approval-groups";
import { approvalRequirement, configAndUiDirectory, groupRequirements, standingOf, type GroupDirectory } from "./approval-policy";
import type { PromotionDeps } from "./deps";
import { PromotionError } from "./errors";
import { refreshEvidence } from "./evidence";
import { liveGates } from "./live-gates";
import { targetRepositoryFor } from "./mapping";
import { awaitsDecisionOf } from "./awaiting";
import { recordStep } from "./record";
import { goAhead, recordSchedule, releaseAt, targetWindows, windowsOf } from "./release";
import { transition, whileStatus } from "./transitions";

export const promotionRequest = z.object({
  sourceEnv: z.string().min(1),
  repository: z.string().min(1).max(255),
  /** a digest, or a tag resolved to its digest now: the promotion is pinned to that digest */
  reference: z.string().min(1).max(200),
  targetEnv: z.string().min(1),
  tag: z.string().regex(TAG_PATTERN, "not a valid tag"),
  reason: z.string().trim().min(3, "say why (at least 3 characters)").max(2000),
});
export type PromotionRequest = z.infer<typeof promotionRequest>;

/** What a decision on a promotion (approve, reject, override, rollback) may carry: the same limits in the UI and the API. */
export const decisionFields = {
  comment: z.string().max(2000).optional(),
  reason: z.string().max(2000).default(""),
  justification: z.string().max(4000).default(""),
};

/** The clock decisions are taken against (tests inject one). */
export const clock = (deps: PromotionDeps): Date => deps.now?.() ?? new Date();
export const groupDirectory = (deps: PromotionDeps): GroupDirectory => deps.groups ?? configAndUiDirectory(deps.prisma);

/** "approved (1 of 2)" for the plain count; "approved, counting for security; release owes 1 decision(s)" for groups. */
function approvalMessage(standing: ApprovalStanding, email: string, plain: boolean): string {
  if (plain) return `approved (${standing.groups.reduce((n, g) => n + g.approvedBy.length, 0)} of ${standing.groups[0]?.count ?? 0})`;
  const counted = standing.groups.find((g) => g.approvedBy.includes(email.toLowerCase()));
  const owing = standing.groups.filter((g) => g.owed > 0).map((g) => `${g.name} owes ${g.owed} decision(s)`);
  return `approved, counting for ${counted ? counted.name : "no group (not a member of a group that still needs a decision)"}${owing.length ? `; ${owing.join(", ")}` : ""}`;
}

async function load(deps: PromotionDeps, id: string) {
  const p = await deps.prisma.promotion.findUnique({ where: { id }, include: { approvals: true } });
  if (!p) throw new PromotionError(`no promotion ${id}`, "not_found");
  return p;
}

export async function requestPromotion(deps: PromotionDeps, principal: Principal, input: PromotionRequest) {
  const { prisma } = deps;
  await enforce(prisma, principal, "promotion.request", { environment: input.targetEnv });
  await enforce(prisma, principal, "environment.view", { environment: input.sourceEnv });
  if (input.sourceEnv === input.targetEnv) throw new PromotionError("source and target environment are the same", "invalid_input", "targetEnv");
  const source = await deps.environment(input.sourceEnv);
  const target = await deps.environment(input.targetEnv);
  if (!source) throw new PromotionError(`no environment named ${input.sourceEnv}`, "not_found");
  if (!target) throw new PromotionError(`no environment named ${input.targetEnv}`, "not_found");
  const targetRepository = targetRepositoryFor(input.repository, source.env.namespace, target.env.namespace);
  if (!targetRepository) throw new PromotionError(`${input.repository} is not in ${input.sourceEnv}'s namespace "${source.env.namespace}"`, "invalid_input", "repository");

  // A malformed repository or reference (InvalidInputError) and a failing registry (RegistryError)
  // propagate as they are: the error contract answers 400, or 502/504 naming the registry.
  const head = await source.provider.headManifest(input.repository, input.reference);
  if (!head) throw new PromotionError(`${input.repository}:${input.reference} does not exist in ${input.sourceEnv}`, "not_found", "reference");
  if (isDigest(input.reference) && head.digest !== input.reference) throw new PromotionError(`the registry answered ${head.digest} for ${input.reference}`, "conflict", "reference");
  const { digest, mediaType } = head;
  const now = clock(deps);
  const { gates, gatesPassed, currentTargetDigest, policy } = await liveGates(deps, { source, target }, { sourceRepository: input.repository, digest, targetRepository, targetTag: input.tag, targetEnv: input.targetEnv }, now);
  const { required, groups } = approvalRequirement(policy, target.env.protected);
  const autoApprove = required === 0 && gatesPassed;
  // the window's verdict now goes into the evidence either way; it decides only an auto-approval
  const release = releaseAt(windowsOf(input.targetEnv, policy), now);

  const promotion = await prisma.$transaction(async (tx) => {
    const p = await tx.promotion.create({
      data: {
        sourceEnv: input.sourceEnv,
        targetEnv: input.targetEnv,
        sourceRepository: input.repository,
        targetRepository,
        digest,
        mediaType,
        targetTag: input.tag,
        reason: input.reason,
        requestedById: principal.id,
        requestedByEmail: principal.email,
        viaToken: principal.viaToken ?? null,
        status: "requested",
        approvalsRequired: required,
        approvalGroups: groups ?? undefined,
        gates: gates as unknown as Prisma.InputJsonValue,
        gatesPassed,
        previousDigest: currentTargetDigest,
      },
    });
    await recordStep(tx, p, {
      kind: "request",
      actor: principal,
      message: `requested ${input.repository}@${digest} → ${input.targetEnv} as ${targetRepository}:${input.tag}: ${input.reason}`,
      detail: { gatesPassed, failedGates: gates.filter((g) => g.status === "fail").map((g) => g.id), approvalsRequired: required },
    });
    if (autoApprove) {
      await goAhead(tx, p, ["requested"], release);
      await recordStep(tx, p, { kind: "approve", actor: null, message: `${input.targetEnv} needs no approval and every gate passed` });
      await recordSchedule(tx, p, release);
    }
    await refreshEvidence(tx, p.id, { policy, window: release.window, decision: autoApprove ? { outcome: release.status, by: "system:promotion-engine", at: now.toISOString() } : undefined }, now);
    return tx.promotion.findUniqueOrThrow({ where: { id: p.id } });
  });
  if (promotion.status === "approved") deps.schedule(promotion.id);
  return promotion;
}

export async function approvePromotion(deps: PromotionDeps, principal: Principal, id: string, comment?: string) {
  const p = await load(deps, id);
  await requireDecision(deps, principal, p, "approve");
  const now = clock(deps);
  const windows = await targetWindows(deps.prisma, p.targetEnv);
  const requirements = await groupRequirements(groupDirectory(deps), p);
  const result = await deps.prisma.$transaction(async (tx) => {
    // lock the row first: a concurrent reject or approval waits, then finds it moved
    await whileStatus(tx, p.id, ["requested"]);
    // read under that lock: the same person's second click waited for the first to commit, and two
    // approvers clicking at once both see each other's vote, so the last one releases it
    if (await tx.promotionApproval.findFirst({ where: { promotionId: p.id, userId: principal.id } })) throw new PromotionError("you have already decided on this promotion");
    await tx.promotionApproval.create({ data: { promotionId: p.id, userId: principal.id, userEmail: principal.email, decision: "approve", comment: comment || null } });
    const current = await tx.promotion.findUniqueOrThrow({ where: { id: p.id }, include: { approvals: true } });
    const standing = standingOf(requirements, current, current.approvals);
    const ready = standing.met && (current.gatesPassed || current.override !== null);
    const release = ready ? releaseAt(windows, now) : null;
    if (release) await goAhead(tx, p, ["requested"], release);
    await recordStep(tx, p, { kind: "approve", actor: principal, message: `${approvalMessage(standing, principal.email, p.approvalGroups === null)}${comment ? `: ${comment}` : ""}` });
    if (!ready && standing.met) {
      await recordStep(tx, p, { kind: "blocked", actor: null, message: "approved, but gates failed: an administrator must override them with a justification, or the request must be rejected" });
    }
    await recordSchedule(tx, p, release);
    await refreshEvidence(tx, p.id, { approvals: standing, ...(release ? { window: release.window, decision: { outcome: release.status, by: principal.email, at: now.toISOString() } } : {}) }, now);
    return { ready, release };
  });
  const { ready, release } = result;
  if (release?.status === "approved") deps.schedule(p.id);
  return { ready, scheduled: release?.status === "scheduled", scheduledFor: release?.status === "scheduled" ? release.scheduledFor : null };
}

export async function rejectPromotion(deps: PromotionDeps, principal: Principal, id: string, reason: string) {
  const p = await load(deps, id);
  await requireDecision(deps, principal, p, "reject");
  if (reason.trim().length < 3) throw new PromotionError("a rejection needs a reason", "invalid_input");
  await deps.prisma.$transaction(async (tx) => {
    await transition(tx, p.id, ["requested"], "rejected", { finishedAt: new Date() });
    await tx.promotionApproval.create({ data: { promotionId: p.id, userId: principal.id, userEmail: principal.email, decision: "reject", comment: reason } });
    await recordStep(tx, p, { kind: "reject", actor: principal, message: `rejected: ${reason}` });
    await refreshEvidence(tx, p.id, { decision: { outcome: "rejected", by: principal.email, at: clock(deps).toISOString(), note: reason } });
  });
}

export async function overrideGates(deps: PromotionDeps, principal: Principal, id: string, justification: string) {
  const p = await load(deps, id);
  await requireDecision(deps, principal, p, "override");
  if (justification.trim().length < 10) throw new PromotionError("overriding a failed gate needs a written justification (at least 10 characters)", "invalid_input");
  const now = clock(deps);
  const windows = await targetWindows(deps.prisma, p.targetEnv);
  const override = { by: principal.email, at: now.toISOString(), justification };
  const requirements = await groupRequirements(groupDirectory(deps), p);
  const release = await deps.prisma.$transaction(async (tx) => {
    // lock, then count the approvals as they are under the lock (one may have arrived meanwhile)
    await whileStatus(tx, p.id, ["requested"], { override });
    const approvals = await tx.promotionApproval.findMany({ where: { promotionId: p.id } });
    const standing = standingOf(requirements, p, approvals);
    const release = standing.met ? releaseAt(windows, now) : null;
    if (release) await goAhead(tx, p, ["requested"], release);
    await recordStep(tx, p, { kind: "override", actor: principal, message: `overrode failed gates: ${justification}` });
    await recordSchedule(tx, p, release);
    await refreshEvidence(tx, p.id, { approvals: standing, ...(release ? { window: release.window, decision: { outcome: release.status, by: principal.email, at: now.toISOString() } } : {}) }, now);
    return release;
  });
  if (release?.status === "approved") deps.schedule(p.id);
  return { ready: release !== null, scheduled: release?.status === "scheduled", scheduledFor: release?.status === "scheduled" ? release.scheduledFor : null };
}

export async function retryPromotion(deps: PromotionDeps, principal: Principal, id: string) {
  const p = await load(deps, id);
  await requireDecision(deps, principal, p, "retry");
  const release = releaseAt(await targetWindows(deps.prisma, p.targetEnv), clock(deps));
  await deps.prisma.$transaction(async (tx) => {
    await goAhead(tx, p, ["failed"], release, { error: null, errorKind: null });
    await recordStep(tx, p, { kind: "retry", actor: principal, message: `retry requested (attempt ${p.attempts + 1}); blobs already in the target are skipped` });
    await recordSchedule(tx, p, release);
  });
  if (release.status === "approved") deps.schedule(p.id);
}

export async function listPromotions(deps: PromotionDeps, principal: Principal) {
  const rows = await deps.prisma.promotion.findMany({ orderBy: { createdAt: "desc" }, take: 200, include: { approvals: true } });
  const visible = rows.filter((r) => decide(principal.grants, "promotion.view", { environment: r.targetEnv }).allowed);
  return {
    awaitingMe: visible.filter((r) => awaitsDecisionOf(r, principal)),
    mine: visible.filter((r) => r.requestedById === principal.id),
    recent: visible.slice(0, 50),
  };
}

export async function getPromotion(deps: PromotionDeps, principal: Principal, id: string) {
  const key = promotionKey(id);
  if (!key) throw new PromotionError("no such promotion", "not_found");
  const p = await deps.prisma.promotion.findFirst({
    where: { OR: [{ id: key.id }, ...(key.number !== null ? [{ number: key.number }] : [])] },
    include: { approvals: { orderBy: { createdAt: "asc" } }, events: { orderBy: { id: "asc" } } },
  });
  if (!p) throw new PromotionError(`no promotion ${id}`, "not_found");
  await enforce(deps.prisma, principal, "promotion.view", { environment: p.targetEnv });
  return p;
}
