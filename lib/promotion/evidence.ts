import type { Prisma, Promotion, PromotionApproval } from "@/lib/db/generated/client";
import type { GateConfig } from "@/lib/config/schema";
import type { ApprovalStanding } from "./approval-groups";
import type { GateResult } from "./gates";
import type { WindowEvidence } from "./release";
import { promotionSummary } from "./view";

/**
 * The evaluated policy of one promotion as one JSON document: what was promoted, the gates exactly as
 * they were stored (with every input they carry: scan reports, signatures, exceptions…), the scan
 * report that decided, the change window's verdict, the approvals by group, the overrides, the
 * decision and the execution. Written when a decision is made and again when the copy ends, so
 * downloading it later shows why the promotion ran (or did not).
 */
const EVIDENCE_FORMAT = "dockmaster.promotion-evidence/v1";

/** What a step knows that the promotion row does not: kept from the last write when not given. */
export interface EvidenceFacts {
  policy?: GateConfig;
  window?: WindowEvidence | null;
  approvals?: ApprovalStanding;
  decision?: { outcome: string; by: string; at: string; note?: string };
}

type Tx = Pick<Prisma.TransactionClient, "promotion">;
type Row = Promotion & { approvals: PromotionApproval[] };

function scanEvidence(gates: GateResult[]) {
  const used = gates.find((g) => g.id === "scan-report")?.reports?.filter((r) => r.used) ?? [];
  return used.map((r) => ({ origin: r.origin, reportDigest: r.referrer ?? null, scanner: r.scanner ?? null, scannedAt: r.scannedAt ?? null, counts: r.counts ?? null }));
}

function evidenceDocument(p: Row, previous: Record<string, unknown> | null, facts: EvidenceFacts, at: Date) {
  const gates = (p.gates ?? []) as unknown as GateResult[];
  const standing = facts.approvals ?? (previous?.approvals as { groups?: unknown; uncounted?: unknown } | undefined);
  return {
    format: EVIDENCE_FORMAT,
    updatedAt: at.toISOString(),
    promotion: { ...promotionSummary(p), mediaType: p.mediaType, requestedAt: p.createdAt.toISOString() },
    policy: facts.policy ?? previous?.policy ?? null,
    gates: { passed: p.gatesPassed, results: gates },
    scan: scanEvidence(gates),
    window: facts.window !== undefined ? facts.window : (previous?.window ?? null),
    approvals: {
      required: p.approvalsRequired,
      groups: standing?.groups ?? [],
      uncounted: standing?.uncounted ?? [],
      decisions: p.approvals.map((a) => ({ by: a.userEmail, decision: a.decision, comment: a.comment, at: a.createdAt.toISOString() })),
    },
    overrides: { gates: p.override, window: p.windowOverride },
    decision: facts.decision ?? previous?.decision ?? null,
    execution: {
      scheduledFor: p.scheduledFor?.toISOString() ?? null,
      startedAt: p.startedAt?.toISOString() ?? null,
      finishedAt: p.finishedAt?.toISOString() ?? null,
      attempts: p.attempts,
      previousDigest: p.previousDigest,
      plan: p.plan,
      error: p.error ? { kind: p.errorKind, message: p.error } : null,
    },
  };
}

/** Rewrites the evidence from the row as it is now (call it after the status write, in the same transaction). */
export async function refreshEvidence(tx: Tx, id: string, facts: EvidenceFacts = {}, at = new Date()): Promise<void> {
  const p = await tx.promotion.findUniqueOrThrow({ where: { id }, include: { approvals: { orderBy: { createdAt: "asc" } } } });
  const doc = evidenceDocument(p, p.evidence as Record<string, unknown> | null, facts, at);
  await tx.promotion.update({ where: { id }, data: { evidence: doc as unknown as Prisma.InputJsonValue } });
}

/** The download: the stored document (or, for a promotion from before evidence existed, one built from its row now). */
export function evidenceFile(p: Row): { name: string; body: string } {
  const doc = p.evidence ?? evidenceDocument(p, null, {}, new Date());
  return { name: `promotion-${p.number}-evidence.json`, body: `${JSON.stringify(doc, null, 2)}\n` };
}
