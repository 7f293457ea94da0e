import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";

export interface AlertView {
  id: string;
  rule: string;
  kind: string;
  target: string;
  registry: string | null;
  message: string;
  resolveMessage: string | null;
  startedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  notified: boolean;
  notifyError: string | null;
  /** notifications held until then (ISO), by the alert's own silence or its rule's, whichever ends later */
  silencedUntil: string | null;
  silencedBy: string | null;
  /** whose silence that is: the alert's own (lifted from the alert) or its rule's (lifted under Manage) */
  silencedVia: "alert" | "rule" | null;
}

/** Open alerts first (newest first), then those resolved within the last day. */
export async function listAlerts(prisma: PrismaClient, opts: { openOnly?: boolean; now?: number } = {}): Promise<AlertView[]> {
  const now = opts.now ?? Date.now();
  const since = new Date(now - 86_400_000);
  const rows = await prisma.probeAlert.findMany({
    where: opts.openOnly ? { resolvedAt: null } : { OR: [{ resolvedAt: null }, { resolvedAt: { gte: since } }] },
    include: { rule: { select: { name: true, silencedUntil: true, silencedBy: true } }, target: { select: { name: true, registryName: true } } },
    orderBy: [{ startedAt: "desc" }],
    take: 100,
  });
  return rows
    .map((a) => ({
      id: a.id,
      rule: a.rule.name,
      kind: a.kind,
      target: a.target.name,
      registry: a.target.registryName,
      message: a.message,
      resolveMessage: a.resolveMessage,
      startedAt: a.startedAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: a.acknowledgedBy,
      notified: !!a.notifiedAt,
      notifyError: a.notifyError,
      ...activeSilence(a, a.rule, now),
    }))
    .sort((a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null));
}

function activeSilence(alert: Silence, rule: Silence, now: number): Pick<AlertView, "silencedUntil" | "silencedBy" | "silencedVia"> {
  const on = [
    { ...alert, via: "alert" as const },
    { ...rule, via: "rule" as const },
  ]
    .filter((s) => s.silencedUntil && s.silencedUntil.getTime() > now)
    .sort((a, b) => b.silencedUntil!.getTime() - a.silencedUntil!.getTime());
  return { silencedUntil: on[0]?.silencedUntil?.toISOString() ?? null, silencedBy: on[0]?.silencedBy ?? null, silencedVia: on[0]?.via ?? null };
}
type Silence = { silencedUntil: Date | null; silencedBy: string | null };

/** Someone is on it: recorded on the alert and in the audit log. The alert still resolves by itself. */
export async function acknowledgeAlert(prisma: PrismaClient, ctx: ActorContext, id: string) {
  return prisma.$transaction(async (tx) => {
    const alert = await tx.probeAlert.findUnique({ where: { id }, include: { target: { select: { name: true } } } });
    if (!alert) throw new InvalidInputError("that alert no longer exists");
    if (alert.acknowledgedAt) throw new InvalidInputError(`already acknowledged by ${alert.acknowledgedBy ?? "someone"}`);
    await tx.probeAlert.update({ where: { id }, data: { acknowledgedAt: new Date(), acknowledgedBy: ctx.actor?.email ?? null } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.alert.acknowledge", target: { type: "probe", id: alert.target.name }, outcome: "success", sourceIp: ctx.ip, detail: { alert: id, message: alert.message } });
  });
}
