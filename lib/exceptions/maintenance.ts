/**
 * What maintenance does for the ledger. Correctness needs no job (expired exceptions stop applying
 * because every evaluation passes `now`); this only leaves a trace: an "exception.expired" audit row
 * once per exception when its expiry passes, and one webhook message per exception when it enters
 * the warning period. Each row is claimed with a conditional update first, so two replicas running
 * maintenance at once write one audit row and send one message.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { postWebhook, type WebhookOptions } from "@/lib/probe/alerts/webhook";
import { scopeTargetOf, subjectOf, type ExceptionRule } from "./apply";
import { plural } from "@/lib/plural";

const DAY_MS = 86_400_000;

/** The webhook body announcing an exception about to expire. */
export interface ExceptionExpiringEvent {
  event: "exception.expiring";
  exception: { id: string; subject: string; scope: string; scopeTarget: string; owner: string; reason: string; expiresAt: string; daysLeft: number };
  message: string;
  source: "dockmaster";
}

export interface SweepOptions {
  now: Date;
  warnDays: number;
  /** the alert webhook (probes.webhook.url), if one is configured */
  webhookUrl?: string;
  webhook?: WebhookOptions;
}

/** Active exceptions expiring within warnDays of now, soonest first: the banner's list. */
export function expiringSoon(prisma: Pick<PrismaClient, "cveException">, now: Date, warnDays: number) {
  return prisma.cveException.findMany({
    where: { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + warnDays * DAY_MS) } },
    orderBy: { expiresAt: "asc" },
    take: 50,
  });
}

function expiringEvent(e: ExceptionRule, now: Date): ExceptionExpiringEvent {
  const daysLeft = Math.max(0, Math.ceil((e.expiresAt.getTime() - now.getTime()) / DAY_MS));
  const exception = { id: e.id, subject: subjectOf(e), scope: e.scope, scopeTarget: scopeTargetOf(e), owner: e.owner, reason: e.reason, expiresAt: e.expiresAt.toISOString(), daysLeft };
  return { event: "exception.expiring", exception, message: `CVE exception ${exception.subject} for ${exception.scopeTarget} (owner ${e.owner}) expires ${exception.expiresAt.slice(0, 10)}, in ${plural(daysLeft, "day")}`, source: "dockmaster" };
}

export async function sweepExceptions(prisma: PrismaClient, opts: SweepOptions): Promise<{ expired: number; warned: number }> {
  const { now } = opts;
  let expired = 0;
  const due = await prisma.cveException.findMany({ where: { revokedAt: null, expiredNotedAt: null, expiresAt: { lte: now } }, take: 200 });
  for (const e of due) {
    await prisma.$transaction(async (tx) => {
      const claimed = await tx.cveException.updateMany({ where: { id: e.id, expiredNotedAt: null }, data: { expiredNotedAt: now } });
      if (claimed.count === 0) return;
      expired++;
      await writeAudit(tx, {
        actor: null,
        action: "exception.expired",
        target: { type: "cve-exception", id: e.id },
        outcome: "success",
        detail: { exception: `${subjectOf(e)} for ${scopeTargetOf(e)}`, expiresAt: e.expiresAt.toISOString(), owner: e.owner, source: e.source },
      });
    });
  }

  let warned = 0;
  if (opts.webhookUrl) {
    for (const e of await expiringSoon(prisma, now, opts.warnDays)) {
      if (e.warnedAt) continue;
      const claimed = await prisma.cveException.updateMany({ where: { id: e.id, warnedAt: null }, data: { warnedAt: now } });
      if (claimed.count === 0) continue;
      try {
        await postWebhook(opts.webhookUrl, expiringEvent(e, now), opts.webhook);
        warned++;
      } catch (err) {
        // not sent: let the next sweep try again (never throws: maintenance goes on)
        console.error(`[exceptions] ${subjectOf(e)} expiring: ${(err as Error).message}`);
        await prisma.cveException.update({ where: { id: e.id }, data: { warnedAt: null } }).catch(() => undefined);
      }
    }
  }
  return { expired, warned };
}
