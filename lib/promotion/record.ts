import type { Prisma } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import type { Principal } from "@/lib/auth/enforce";

type Tx = Prisma.TransactionClient;

/**
 * One step of a promotion: a timeline entry for people, and an audit row for the record. The audit
 * row names the environments, so the audit log answers "what went into prod" without a lookup.
 */
export async function recordStep(
  tx: Tx,
  promotion: { id: string; number: number; sourceEnv?: string; targetEnv?: string },
  step: { kind: string; message: string; actor: Pick<Principal, "id" | "email" | "ip" | "viaToken"> | null; outcome?: "success" | "failure" | "denied"; detail?: Record<string, unknown> },
) {
  await tx.promotionEvent.create({ data: { promotionId: promotion.id, kind: step.kind, message: step.message, actorEmail: step.actor?.email ?? null } });
  await writeAudit(tx, {
    actor: step.actor ? { id: step.actor.id, email: step.actor.email } : { id: null, email: "system:promotion-engine" },
    action: `promotion.${step.kind}`,
    target: { type: "promotion", id: `#${promotion.number}` },
    outcome: step.outcome ?? "success",
    sourceIp: step.actor?.ip ?? null,
    detail: {
      message: step.message,
      ...(promotion.sourceEnv ? { sourceEnv: promotion.sourceEnv } : {}),
      ...(promotion.targetEnv ? { targetEnv: promotion.targetEnv } : {}),
      ...(step.actor?.viaToken ? { token: step.actor.viaToken } : {}),
      ...(step.detail ?? {}),
    },
  });
}
