import type { Prisma, PromotionStatus } from "@/lib/db/generated/client";
import { PromotionError } from "./errors";

/**
 * The promotion state machine: the only statuses that may follow each status.
 *
 *   requested → approved   enough approvals and gates passed (or overridden); auto-approval at request time
 *   requested → rejected   an approver said no
 *   requested → scheduled  as approved, but the target's change window is closed: waits for scheduledFor
 *   requested → withdrawn  the requester took it back before it was decided (withdraw.ts)
 *   scheduled → approved   the window opened and the live gates passed again (maintenance sweep), or an
 *                          admin ran it now with a justification
 *   scheduled → requested  the window opened but the live gates fail now: an override or a rejection decides
 *   approved  → copying    a runner claimed it (only one wins)
 *   copying   → verified   the target tag reads back as the promoted digest
 *   copying   → failed     the copy failed, or the runner died (recover.ts)
 *   failed    → approved   retry: queued again, a runner claims it and resumes (present blobs are skipped)
 *   failed    → scheduled  retry while the change window is closed
 *   verified  → rolled_back  the target tag points at its previous digest again
 *
 * Rejecting is only possible before anything was approved: once approved, the copy may start at any
 * moment, and a decision that arrives after it has started must not pretend to have stopped it.
 */
export const TRANSITIONS: Readonly<Record<PromotionStatus, readonly PromotionStatus[]>> = {
  requested: ["approved", "rejected", "scheduled", "withdrawn"],
  scheduled: ["approved", "requested"],
  approved: ["copying"],
  copying: ["verified", "failed"],
  failed: ["approved", "scheduled"],
  verified: ["rolled_back"],
  rejected: [],
  rolled_back: [],
  withdrawn: [],
};

/** The promotion was no longer in the status the caller read: someone else moved it first. */
export class StatusConflict extends PromotionError {
  override name = "StatusConflict";
  constructor(
    message: string,
    readonly current: PromotionStatus,
  ) {
    super(message, "conflict");
  }
}

type Tx = Pick<Prisma.TransactionClient, "promotion">;
type Data = Omit<Prisma.PromotionUpdateManyMutationInput, "status">;
type Guard = { unchangedSince?: Date };

/**
 * Moves a promotion from one of `from` to `to`, writing `data` with it, as one compare-and-set: the
 * database changes the row only if its status is still one of `from` (and, with unchangedSince, if
 * nothing wrote it since). Otherwise nothing is written and StatusConflict says what it is now.
 * Every status write goes through here, so no writer can overwrite another's decision.
 */
export async function transition(tx: Tx, id: string, from: readonly PromotionStatus[], to: PromotionStatus, data: Data = {}, guard: Guard = {}): Promise<void> {
  const illegal = from.filter((f) => !TRANSITIONS[f].includes(to));
  if (illegal.length) throw new Error(`illegal promotion transition ${illegal.join("/")} → ${to}`);
  await compareAndSet(tx, id, from, { ...data, status: to }, guard);
}

/**
 * Writes `data` only while the status is one of `from`, without changing it: a decision that leaves
 * the status as it is (the first of two approvals, an override still waiting for approvals), or a
 * runner's progress. Holds the row until the transaction ends, like transition().
 */
export async function whileStatus(tx: Tx, id: string, from: readonly PromotionStatus[], data: Data = {}): Promise<void> {
  // updatedAt changes on every write, so even an empty `data` takes the row lock and checks the status
  await compareAndSet(tx, id, from, { ...data, updatedAt: new Date() }, {});
}

async function compareAndSet(tx: Tx, id: string, from: readonly PromotionStatus[], data: Prisma.PromotionUpdateManyMutationInput, guard: Guard) {
  const moved = await tx.promotion.updateMany({
    where: { id, status: { in: [...from] }, ...(guard.unchangedSince ? { updatedAt: guard.unchangedSince } : {}) },
    data,
  });
  if (moved.count === 1) return;
  const now = await tx.promotion.findUnique({ where: { id }, select: { number: true, status: true } });
  if (!now) throw new PromotionError(`no promotion ${id}`, "not_found");
  const expected = from.join(" or ");
  throw new StatusConflict(
    from.includes(now.status) ? `promotion #${now.number} changed while you acted (it is still ${now.status}); reload and try again` : `promotion #${now.number} is ${now.status} now, no longer ${expected}; reload to see what happened`,
    now.status,
  );
}
