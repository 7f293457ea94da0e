import type { Promotion } from "@/lib/db/generated/client";

/** What a promotion is, in the words the REST API and the evidence document both use. */
export function promotionSummary(p: Pick<Promotion, "id" | "number" | "status" | "sourceEnv" | "sourceRepository" | "targetEnv" | "targetRepository" | "targetTag" | "digest" | "reason" | "requestedByEmail" | "viaToken">) {
  return {
    id: p.id,
    number: p.number,
    status: p.status,
    source: { environment: p.sourceEnv, repository: p.sourceRepository },
    target: { environment: p.targetEnv, repository: p.targetRepository, tag: p.targetTag },
    digest: p.digest,
    reason: p.reason,
    requestedBy: p.requestedByEmail,
    viaToken: p.viaToken,
  };
}

/** The promotion as the REST API and the progress poller show it. */
export function promotionJson(p: Promotion) {
  return {
    ...promotionSummary(p),
    previousDigest: p.previousDigest,
    approvalsRequired: p.approvalsRequired,
    approvalGroups: p.approvalGroups,
    scheduledFor: p.scheduledFor,
    windowOverride: p.windowOverride,
    gates: p.gates,
    gatesPassed: p.gatesPassed,
    override: p.override,
    plan: p.plan,
    progress: p.progress,
    error: p.error ? { kind: p.errorKind, message: p.error } : null,
    attempts: p.attempts,
    createdAt: p.createdAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    links: { evidence: `/api/v1/promotions/${p.number}/evidence` },
  };
}
