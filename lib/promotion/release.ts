import type { Prisma, PrismaClient, PromotionStatus } from "@/lib/db/generated/client";
import type { GateConfig } from "@/lib/config/schema";
import { windowsSchema, type ChangeWindows } from "@/lib/config/windows";
import { PromotionError } from "./errors";
import { recordStep } from "./record";
import { transition } from "./transitions";
import { evaluateWindows, formatInZone, type WindowVerdict } from "./windows";

/** The window verdict as evidence keeps it: the zone named, times as instants. */
export interface WindowEvidence {
  timeZone: string;
  evaluatedAt: string;
  open: boolean;
  until: string | null;
  reason: string | null;
}

export type Release = { status: "approved"; window: WindowEvidence | null } | { status: "scheduled"; scheduledFor: Date | null; window: WindowEvidence; message: string };

/**
 * An environment's change windows (none: always open), read through the config schema so that a
 * policy stored without defaults (written by hand or by an older version) means what the file would.
 */
export function windowsOf(environment: string, policy: GateConfig | null | undefined): ChangeWindows | null {
  if (!policy?.windows) return null;
  const parsed = windowsSchema.safeParse(policy.windows);
  if (!parsed.success) throw new PromotionError(`the change windows of ${environment} are not valid (${parsed.error.issues[0]?.message}); fix them in dockmaster.yaml`, "invalid_input");
  return parsed.data;
}

/** The target's change windows as its policy says now. */
export async function targetWindows(prisma: Pick<PrismaClient, "environment">, environment: string): Promise<ChangeWindows | null> {
  const env = await prisma.environment.findUnique({ where: { name: environment }, select: { policy: true } });
  return windowsOf(environment, env?.policy as GateConfig | null);
}

function windowEvidence(windows: ChangeWindows, verdict: WindowVerdict, at: Date): WindowEvidence {
  return {
    timeZone: windows.timeZone,
    evaluatedAt: at.toISOString(),
    open: verdict.open,
    until: verdict.open ? null : (verdict.until?.toISOString() ?? null),
    reason: verdict.open ? null : verdict.reason,
  };
}

/**
 * A promotion that may go ahead (approvals in, gates passed or overridden) runs now if the target's
 * change window is open, else waits as "scheduled" until it opens.
 */
export function releaseAt(windows: ChangeWindows | null, at: Date): Release {
  if (!windows) return { status: "approved", window: null };
  const verdict = evaluateWindows(windows, at);
  const window = windowEvidence(windows, verdict, at);
  if (verdict.open) return { status: "approved", window };
  const when = verdict.until ? `runs at ${formatInZone(verdict.until, windows.timeZone)}` : "the window does not open within two weeks; it runs when it does";
  return { status: "scheduled", scheduledFor: verdict.until, window, message: `change window closed: ${verdict.reason}; ${when}` };
}

type Tx = Prisma.TransactionClient;
type Data = Parameters<typeof transition>[4];

/**
 * Moves a promotion that may go ahead to "approved", or to "scheduled" (with scheduledFor) when the
 * change window is closed. First in the transaction: the status write locks the row.
 */
export async function goAhead(tx: Tx, p: { id: string }, from: readonly PromotionStatus[], release: Release, data: Data = {}): Promise<void> {
  if (release.status === "approved") await transition(tx, p.id, from, "approved", { ...data, scheduledFor: null });
  else await transition(tx, p.id, from, "scheduled", { ...data, scheduledFor: release.scheduledFor });
}

/** The scheduling as a step of its own (timeline and audit), after the decision that led to it. */
export async function recordSchedule(tx: Tx, p: { id: string; number: number }, release: Release | null): Promise<void> {
  if (release?.status !== "scheduled") return;
  await recordStep(tx, p, { kind: "scheduled", actor: null, message: release.message, detail: { scheduledFor: release.scheduledFor?.toISOString() ?? null, window: release.window } });
}
