import type { PrismaClient } from "@/lib/db/generated/client";
import { eventFor } from "./evaluate";
import { isSilenced } from "./silence";
import { postWebhook, type AlertEvent, type WebhookOptions } from "./webhook";

/** Recorded on an alert whose notification a silence held; the maintenance retry sends it when the silence ends. */
const heldMessage = (until: Date) => `held: silenced until ${until.toISOString()}`;

/** The later of the alert's own silence and its rule's, if either is still on. */
async function silenceOf(prisma: PrismaClient, alertId: string, now: number): Promise<Date | null> {
  const a = await prisma.probeAlert.findUnique({ where: { id: alertId }, select: { silencedUntil: true, rule: { select: { silencedUntil: true } } } });
  const on = [a?.silencedUntil, a?.rule.silencedUntil].filter((d): d is Date => isSilenced(d, now));
  return on.length ? new Date(Math.max(...on.map((d) => d.getTime()))) : null;
}

/** Sends each event and records the outcome on its alert. Never throws: a dead webhook must not stop probing. */
export async function deliverAlertEvents(prisma: PrismaClient, events: AlertEvent[], url: string | undefined, opts?: WebhookOptions & { now?: number }): Promise<void> {
  if (!url) return;
  for (const e of events) {
    const field = e.event === "alert.firing" ? "notifiedAt" : "recoveryNotifiedAt";
    try {
      const silenced = await silenceOf(prisma, e.alert.id, opts?.now ?? Date.now());
      if (silenced) {
        await prisma.probeAlert.update({ where: { id: e.alert.id }, data: { notifyError: heldMessage(silenced) } });
        continue;
      }
      await postWebhook(url, e, opts);
      await prisma.probeAlert.update({ where: { id: e.alert.id }, data: { [field]: new Date(), notifyError: null } });
    } catch (err) {
      console.error(`[probes] ${e.event} for ${e.alert.target} (${e.alert.rule}): ${(err as Error).message}`);
      await prisma.probeAlert.update({ where: { id: e.alert.id }, data: { notifyError: (err as Error).message } }).catch(() => undefined);
    }
  }
}

/**
 * Maintenance: re-sends notifications whose delivery failed earlier or that a silence held (newest
 * first, bounded). An alert that opened and resolved while silenced is never announced: its firing
 * was never sent, so its recovery would be news of nothing.
 */
export async function retryFailedNotifications(prisma: PrismaClient, url: string | undefined, now = Date.now()): Promise<number> {
  if (!url) return 0;
  const pending = await prisma.probeAlert.findMany({
    where: { notifyError: { not: null }, OR: [{ notifiedAt: null }, { resolvedAt: { not: null }, recoveryNotifiedAt: null }] },
    include: { rule: true, target: true },
    orderBy: { startedAt: "desc" },
    take: 50,
  });
  const due = pending.filter((a) => !isSilenced(a.silencedUntil, now) && !isSilenced(a.rule.silencedUntil, now));
  const heldThenResolved = (a: (typeof due)[number]) => !a.notifiedAt && a.resolvedAt !== null && (a.notifyError?.startsWith("held:") ?? false);
  const events = due.flatMap((a) => {
    if (heldThenResolved(a)) return [];
    const target = { name: a.target.name, kind: a.target.kind, registryName: a.target.registryName };
    const out: AlertEvent[] = [];
    if (!a.notifiedAt) out.push(eventFor("alert.firing", a, a.rule, target));
    if (a.resolvedAt && !a.recoveryNotifiedAt) out.push(eventFor("alert.resolved", a, a.rule, target));
    return out;
  });
  // opened and resolved inside a silence: nothing to announce, and nothing left to retry
  const quiet = due.filter(heldThenResolved).map((a) => a.id);
  if (quiet.length) await prisma.probeAlert.updateMany({ where: { id: { in: quiet } }, data: { notifyError: null } });
  await deliverAlertEvents(prisma, events, url, { attempts: 1, now });
  return events.length;
}
