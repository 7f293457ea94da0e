/**
 * Moves audit events from the outbox (AuditDelivery, filled by a trigger on AuditEvent) to their
 * sinks, in audit-id order, a batch at a time. Each sink is worked by one replica at a time (a
 * transaction-scoped advisory lock), and a batch leaves the outbox only after its sink took it, so a
 * crash or a failing sink loses nothing: the batch is simply sent again. After a failure the sink
 * waits (1 s, doubling up to a minute) and remembers since when it has been failing, which the
 * audit_forwarding probe turns into an alert.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { forwardedEvent, type AuditRow, type AuditSender } from "./event";

const BATCH = 500;
const MAX_BACKOFF_MS = 60_000;

export interface ForwardResult {
  sink: string;
  delivered: number;
  error?: string;
}

function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

type Step = { delivered: number; more: boolean; error?: string };

/** One pass over every sink: delivers what is waiting until the outbox is empty or the sink fails. */
export async function forwardPending(prisma: PrismaClient, senders: ReadonlyMap<string, AuditSender>, o: { now?: () => Date; batchSize?: number } = {}): Promise<ForwardResult[]> {
  const now = o.now ?? (() => new Date());
  const out: ForwardResult[] = [];
  for (const [sink, sender] of senders) {
    const result: ForwardResult = { sink, delivered: 0 };
    for (;;) {
      const step = await forwardBatch(prisma, sink, sender, now(), o.batchSize ?? BATCH);
      result.delivered += step.delivered;
      if (step.error) result.error = step.error;
      if (!step.more) break;
    }
    out.push(result);
  }
  return out;
}

function forwardBatch(prisma: PrismaClient, sink: string, sender: AuditSender, now: Date, batchSize: number): Promise<Step> {
  return prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${`audit-forward:${sink}`})) AS locked`;
      if (!lock?.locked) return { delivered: 0, more: false };
      const state = await tx.auditSink.findUnique({ where: { name: sink } });
      if (!state || (state.nextAttemptAt && state.nextAttemptAt > now)) return { delivered: 0, more: false };
      const rows = await tx.$queryRaw<(AuditRow & { deliveryId: bigint })[]>`
        SELECT d."id" AS "deliveryId", a."id", a."at", a."actorId", a."actorEmail", a."action", a."targetType", a."targetId", a."outcome", a."sourceIp", a."detail"
        FROM "AuditDelivery" d JOIN "AuditEvent" a ON a."id" = d."auditId"
        WHERE d."sink" = ${sink}
        ORDER BY d."auditId", d."id"
        LIMIT ${batchSize}`;
      if (!rows.length) return { delivered: 0, more: false };
      try {
        await sender.send(rows.map(forwardedEvent));
      } catch (err) {
        const message = (err as Error).message;
        const attempts = state.attempts + 1;
        await tx.auditSink.update({
          where: { name: sink },
          data: { attempts, lastError: message, failingSince: state.failingSince ?? now, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)) },
        });
        return { delivered: 0, more: false, error: message };
      }
      await tx.auditDelivery.deleteMany({ where: { id: { in: rows.map((r) => r.deliveryId) } } });
      await tx.auditSink.update({
        where: { name: sink },
        data: { attempts: 0, lastError: null, failingSince: null, nextAttemptAt: null, lastDeliveredAt: now, delivered: { increment: rows.length } },
      });
      return { delivered: rows.length, more: rows.length === batchSize };
    },
    // a slow sink holds the transaction for its timeout (10 s) at most
    { timeout: 60_000, maxWait: 30_000 },
  );
}

export interface SinkState {
  name: string;
  kind: string;
  failingSince: Date | null;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  delivered: bigint;
  /** events waiting in the outbox */
  backlog: number;
}

export async function sinkStates(prisma: Pick<PrismaClient, "auditSink" | "auditDelivery">, name?: string): Promise<SinkState[]> {
  const sinks = await prisma.auditSink.findMany({ where: name ? { name } : {}, orderBy: { name: "asc" } });
  const counts = await prisma.auditDelivery.groupBy({ by: ["sink"], _count: { _all: true }, where: { sink: { in: sinks.map((s) => s.name) } } });
  const backlog = new Map(counts.map((c) => [c.sink, c._count._all]));
  return sinks.map((s) => ({ name: s.name, kind: s.kind, failingSince: s.failingSince, lastError: s.lastError, lastDeliveredAt: s.lastDeliveredAt, delivered: s.delivered, backlog: backlog.get(s.name) ?? 0 }));
}
