/**
 * At most one sync per environment at a time, across replicas: a lease row per environment taken by
 * compare-and-set. The holder renews it on a timer, not between steps of the sync: a step that takes
 * long on a busy machine must not let the lease lapse under a live replica (seen with a 3 s lease on a
 * loaded 2-core machine: the other replica took over while the first was still writing). A replica
 * that dies stops renewing, and after the lease's length any other replica may take over; the index
 * stays consistent because every repository is applied in one transaction under its advisory lock.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";

const LEASE_MS = 60_000;
/** renewals per lease length: several may fail or be slow before a live replica's lease lapses */
const RENEWALS_PER_LEASE = 6;

export interface SyncLease {
  environment: string;
  owner: string;
  mode: "full" | "incremental";
  /** throws once a renewal found the lease taken over by another replica: the sync must stop */
  check(): void;
  /** stops renewing; finishSync calls it */
  release(): void;
}

export async function acquireSyncLease(
  prisma: PrismaClient,
  environment: string,
  owner = `${process.pid}-${randomUUID()}`,
  mode: SyncLease["mode"] = "full",
  now = () => new Date(),
  leaseMs = LEASE_MS,
): Promise<SyncLease | null> {
  // ON CONFLICT, not Prisma's upsert: two replicas starting together both found no row and both
  // inserted, and the loser died on the unique key instead of finding the lease taken
  await prisma.$executeRaw`INSERT INTO "InventorySyncState" ("environment", "updatedAt") VALUES (${environment}, now() AT TIME ZONE 'UTC') ON CONFLICT ("environment") DO NOTHING`;
  const at = now();
  const taken = await prisma.inventorySyncState.updateMany({
    where: { environment, OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }] },
    data: { leaseOwner: owner, leaseUntil: new Date(at.getTime() + leaseMs) },
  });
  if (taken.count === 0) return null;
  let lost: Error | null = null;
  let renewing = false;
  const renew = async () => {
    const t = now();
    const kept = await prisma.inventorySyncState.updateMany({ where: { environment, leaseOwner: owner }, data: { leaseUntil: new Date(t.getTime() + leaseMs) } });
    if (kept.count === 0) lost ??= new Error(`the sync lease of environment ${environment} was taken over by another replica`);
  };
  const timer = setInterval(() => {
    if (renewing) return;
    renewing = true;
    // a failed renewal (database briefly away) is retried at the next tick; only a run of them lets the lease lapse
    renew()
      .catch(() => undefined)
      .finally(() => (renewing = false));
  }, leaseMs / RENEWALS_PER_LEASE);
  timer.unref();
  return {
    environment,
    owner,
    mode,
    check() {
      if (lost) throw lost;
    },
    release() {
      clearInterval(timer);
    },
  };
}

export interface SyncOutcome {
  mode: "full" | "incremental";
  repositories: number;
  tags: number;
  manifestsFetched: number;
  durationMs: number;
}

/** Records the outcome and releases the lease. An error keeps the earliest staleSince. */
export async function finishSync(prisma: PrismaClient, lease: SyncLease, outcome: SyncOutcome, error: string | null, now = new Date()): Promise<void> {
  lease.release();
  const { environment, owner } = lease;
  const stats = { lastDurationMs: outcome.durationMs, repositories: outcome.repositories, tags: outcome.tags, manifestsFetched: outcome.manifestsFetched, leaseOwner: null, leaseUntil: null };
  if (error) {
    await prisma.inventorySyncState.updateMany({ where: { environment, leaseOwner: owner, staleSince: null }, data: { staleSince: now } });
    await prisma.inventorySyncState.updateMany({ where: { environment, leaseOwner: owner }, data: { ...stats, error } });
    return;
  }
  const stamp = outcome.mode === "full" ? { lastFullAt: now } : { lastIncrementalAt: now };
  await prisma.inventorySyncState.updateMany({ where: { environment, leaseOwner: owner }, data: { ...stats, ...stamp, error: null, staleSince: null } });
}
