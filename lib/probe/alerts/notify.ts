import type { PrismaClient } from "@/lib/db/generated/client";
import { eventFor } from "./evaluate";
import { postWebhook, type AlertEvent, type WebhookOptions } from "./webhook";

/** Sends each event and records the outcome on its alert. Never throws: a dead webhook must not stop probing. */
export async function deliverAlertEvents(prisma: PrismaClient, events: AlertEvent[], url: string | undefined, opts?: WebhookOptions): Promise<void> {
  if (!url) return;
  for (const e of events) {
    const field = e.event === "alert.firing" ? "notifiedAt" : "recoveryNotifiedAt";
    try {
      await postWebhook(url, e, opts);
      await prisma.probeAlert.update({ where: { id: e.alert.id }, data: { [field]: new Date(), notifyError: null } });
    } catch (err) {
      console.error(`[probes] ${e.event} for ${e.alert.target} (${e.alert.rule}): ${(err as Error).message}`);
      await prisma.probeAlert.update({ where: { id: e.alert.id }, data: { notifyError: (err as Error).message } }).catch(() => undefined);
    }
  }
}

/** Maintenance: re-sends notifications whose delivery failed earlier (newest first, bounded). */
export async function retryFailedNotifications(prisma: PrismaClient, url: string | undefined): Promise<number> {
  if (!url) return 0;
  const pending = await prisma.probeAlert.findMany({
    where: { notifyError: { not: null }, OR: [{ notifiedAt: null }, { resolvedAt: { not: null }, recoveryNotifiedAt: null }] },
    include: { rule: true, target: true },
    orderBy: { startedAt: "desc" },
    take: 50,
  });
  const events = pending.flatMap((a) => {
    const target = { name: a.target.name, kind: a.target.kind, registryName: a.target.registryName };
    const out: AlertEvent[] = [];
    if (!a.notifiedAt) out.push(eventFor("alert.firing", a, a.rule, target));
    if (a.resolvedAt && !a.recoveryNotifiedAt) out.push(eventFor("alert.resolved", a, a.rule, target));
    return out;
  });
  await deliverAlertEvents(prisma, events, url, { attempts: 1 });
  return events.length;
}
