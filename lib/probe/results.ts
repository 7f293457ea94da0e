import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import type { ProbeOutcome, ProbeTargetSpec } from "./types";

type Db = Pick<PrismaClient, "probeResult">;

const MAX_MESSAGE = 2000;

export async function storeResult(db: Db, target: Pick<ProbeTargetSpec, "id" | "kind">, outcome: ProbeOutcome, when: { at: Date; scheduledAt?: Date }) {
  return db.probeResult.create({
    data: {
      targetId: target.id,
      kind: target.kind,
      at: when.at,
      scheduledAt: when.scheduledAt ?? null,
      ok: outcome.ok,
      latencyMs: Math.round(outcome.latencyMs * 100) / 100,
      errorClass: outcome.errorClass ?? null,
      message: outcome.message ? outcome.message.slice(0, MAX_MESSAGE) : null,
      value: outcome.value ?? null,
      detail: outcome.detail ? (outcome.detail as Prisma.InputJsonValue) : undefined,
    },
  });
}
