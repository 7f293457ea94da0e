import type { Prisma, PrismaClient } from "@/lib/db/generated/client";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEntry {
  actor?: { id?: string | null; email?: string | null } | null;
  action: string;
  target?: { type: string; id: string } | null;
  outcome: AuditOutcome;
  sourceIp?: string | null;
  /** Before/after values or error text; never secrets (see redactSecrets). */
  detail?: Record<string, unknown> | null;
}

const SECRET_KEYS = /pass(word)?|secret|token|ciphertext|credential/i;

/** Audit rows outlive everything: make sure no secret ever lands in one. */
function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && v != null && v !== "" ? "[redacted]" : redactSecrets(v)]),
    );
  }
  return value;
}

type Tx = Pick<PrismaClient, "auditEvent">;

export async function writeAudit(db: Tx, e: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: e.actor?.id ?? null,
      actorEmail: e.actor?.email ?? null,
      action: e.action,
      targetType: e.target?.type ?? null,
      targetId: e.target?.id ?? null,
      outcome: e.outcome,
      sourceIp: e.sourceIp ?? null,
      detail: e.detail ? (redactSecrets(e.detail) as Prisma.InputJsonValue) : undefined,
    },
  });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  target?: string;
  from?: Date;
  to?: Date;
  /** Keyset pagination: rows with id below this one. */
  before?: bigint;
  limit?: number;
}

/** The audit page's filters as a query: shared by the page and the export, so both show the same rows. */
export function auditWhere(f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    ...(f.actor ? { actorEmail: { contains: f.actor, mode: "insensitive" } } : {}),
    ...(f.action ? { action: { startsWith: f.action } } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.target ? { OR: [{ targetId: { contains: f.target } }, { targetType: f.target }] } : {}),
    ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    ...(f.before ? { id: { lt: f.before } } : {}),
  };
}

export async function listAudit(db: Tx, f: AuditFilter = {}) {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const where = auditWhere(f);
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: limit + 1 });
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : undefined };
}
