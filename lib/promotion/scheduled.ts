import type { Principal } from "@/lib/auth/enforce";
import { describeRegistryError } from "@/lib/registry";
import { requireDecision } from "./authorize";
import type { PromotionDeps } from "./deps";
import { PromotionError } from "./errors";
import { refreshEvidence } from "./evidence";
import { liveGates } from "./live-gates";
import { recordStep } from "./record";
import { releaseAt, targetWindows } from "./release";
import { clock } from "./service";
import { StatusConflict, transition, whileStatus } from "./transitions";
import { formatInZone } from "./windows";

type Scheduled = { id: string; number: number; status: string; scheduledFor: Date | null; override: unknown; sourceEnv: string; targetEnv: string; sourceRepository: string; targetRepository: string; digest: string; targetTag: string };
type Outcome = "approved" | "requested" | "still-closed";

/**
 * Lets a scheduled promotion go: when its window has opened (the maintenance sweep), or now because
 * an admin said so with a justification. Either way the gates are evaluated again against the
 * registries as they are at this moment; if one fails now (and no admin overrode the gates), the
 * promotion goes back to "requested" for an override or a rejection instead of running.
 */
async function release(deps: PromotionDeps, p: Scheduled, admin: { principal: Principal; justification: string } | null): Promise<Outcome> {
  const now = clock(deps);
  const windows = await targetWindows(deps.prisma, p.targetEnv);
  const verdict = releaseAt(windows, now);
  if (!admin && verdict.status === "scheduled") {
    // the policy changed since it was scheduled, or the sweep ran early: wait for the new opening
    if (verdict.scheduledFor?.getTime() !== p.scheduledFor?.getTime()) await whileStatus(deps.prisma, p.id, ["scheduled"], { scheduledFor: verdict.scheduledFor });
    return "still-closed";
  }
  const source = await deps.environment(p.sourceEnv);
  const target = await deps.environment(p.targetEnv);
  if (!source || !target) throw new PromotionError(`environment ${!source ? p.sourceEnv : p.targetEnv} no longer exists`, "not_found");
  const live = await liveGates(deps, { source, target }, p, now);
  const ready = live.gatesPassed || p.override !== null;
  const failed = live.gates.filter((g) => g.status === "fail").map((g) => g.id);
  const windowOverride = admin ? { by: admin.principal.email, at: now.toISOString(), justification: admin.justification } : undefined;
  const gatesNote = live.gatesPassed ? "gates evaluated again: every gate passes" : `gates evaluated again: ${failed.join(", ")} fail${p.override !== null ? " (overridden earlier by an administrator)" : ""}`;
  await deps.prisma.$transaction(async (tx) => {
    const data = { gates: live.gates as never, gatesPassed: live.gatesPassed, scheduledFor: null, ...(windowOverride ? { windowOverride } : {}) };
    await transition(tx, p.id, ["scheduled"], ready ? "approved" : "requested", data);
    if (admin) {
      await recordStep(tx, p, { kind: "window-override", actor: admin.principal, message: `ran inside the closed change window: ${admin.justification}; ${gatesNote}`, detail: { window: verdict.window } });
    } else {
      await recordStep(tx, p, { kind: "window-open", actor: null, message: `the change window opened; ${gatesNote}` });
    }
    if (!ready) {
      await recordStep(tx, p, { kind: "blocked", actor: null, outcome: "failure", message: "gates fail now: an administrator must override them with a justification, or the request must be rejected" });
    }
    await refreshEvidence(tx, p.id, { policy: live.policy, window: verdict.window, decision: { outcome: ready ? "approved" : "requested", by: admin ? admin.principal.email : "system:change-window", at: now.toISOString(), note: gatesNote } }, now);
  });
  if (ready) deps.schedule(p.id);
  return ready ? "approved" : "requested";
}

/** Admin: run a scheduled promotion now, inside its closed change window (audited with the justification). */
export async function runNow(deps: PromotionDeps, principal: Principal, id: string, justification: string) {
  const p = await deps.prisma.promotion.findUnique({ where: { id }, include: { approvals: true } });
  if (!p) throw new PromotionError(`no promotion ${id}`, "not_found");
  await requireDecision(deps, principal, p, "run-now");
  if (justification.trim().length < 10) throw new PromotionError("running inside a closed change window needs a written justification (at least 10 characters)", "invalid_input");
  return { outcome: await release(deps, p, { principal, justification }) };
}

/**
 * The maintenance sweep: every scheduled promotion whose window has opened goes ahead (or back to
 * "requested" when its gates fail now). One replica wins each promotion (compare-and-set); the
 * others see StatusConflict and move on. Returns how many left the scheduled status.
 */
export async function releaseDuePromotions(deps: PromotionDeps): Promise<number> {
  const now = clock(deps);
  const due = await deps.prisma.promotion.findMany({ where: { status: "scheduled", OR: [{ scheduledFor: { lte: now } }, { scheduledFor: null }] }, orderBy: { scheduledFor: "asc" } });
  let released = 0;
  for (const p of due) {
    try {
      if ((await release(deps, p, null)) !== "still-closed") released++;
    } catch (err) {
      if (err instanceof StatusConflict) continue;
      // one unreachable registry must not hold up the others: it is tried again on the next sweep
      const d = err instanceof PromotionError ? { kind: err.kind, message: err.message } : describeRegistryError(err);
      console.error(`[promotion #${p.number}] scheduled, window open, but not released (${d.kind}): ${d.message}`);
    }
  }
  return released;
}

/** "runs at Mon, 29 Mar 2027, 08:00 CEST (Europe/Berlin)" for a scheduled promotion, from its evidence's zone. */
export function scheduledText(p: { scheduledFor: Date | null; evidence: unknown }): string {
  const zone = (p.evidence as { window?: { timeZone?: string } } | null)?.window?.timeZone ?? "UTC";
  return p.scheduledFor ? `runs at ${formatInZone(p.scheduledFor, zone)}` : "runs when the change window opens (not within the next two weeks)";
}
