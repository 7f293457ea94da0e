/** One audit event as every sink receives it: the audit row, with its id as a string (a bigint). */
export interface ForwardedEvent {
  id: string;
  at: string;
  actor: { id: string | null; email: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  outcome: string;
  sourceIp: string | null;
  detail: unknown;
}

export interface AuditRow {
  id: bigint;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  sourceIp: string | null;
  detail: unknown;
}

export function forwardedEvent(r: AuditRow): ForwardedEvent {
  return {
    id: r.id.toString(),
    at: r.at.toISOString(),
    actor: { id: r.actorId, email: r.actorEmail },
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    outcome: r.outcome,
    sourceIp: r.sourceIp,
    detail: r.detail ?? null,
  };
}

/** Delivers a batch in order, or throws saying why; a sink keeps its connection between batches. */
export interface AuditSender {
  send(events: readonly ForwardedEvent[]): Promise<void>;
  close(): Promise<void>;
}
