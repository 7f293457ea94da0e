/**
 * At most one sync per environment at a time, across replicas: a lease row per environment taken by
 * compare-and-set. A replica that dies mid-sync stops renewing, and after LEASE_MS any other replica
 * may take over; the index stays consistent because every repository is applied in one transaction.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";

const LEASE_MS = 60_000;
/** renewing this often keeps a live replica's lease from lapsing however the sync's steps are timed */
const RENEWALS_PER_LEASE = 6;

export interface SyncLease {
  environment: string;
  owner: string;
  mode: "full" | "incremental";
  renew(): Promise<void>;
}

export async function acquireSyncLease(
  prisma: PrismaClient,
  environment: string,
  owner = `${process.pid}-${randomUUID()}`,
  mode: SyncLease["mode"] = "full",
  now = () => new Date(),
  leaseMs = LEASE_MS,
): Promise<SyncLease | null> {
  await prisma.inventorySyncState.upsert({ where: { environment }, create: { environment }, update: {} });
  const at = now();
  const taken = await prisma.inventorySyncState.updateMany({
    where: { environment, OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }] },
    data: { leaseOwner: owner, leaseUntil: new Date(at.getTime() + leaseMs) },
  });
  if (taken.count === 0) return null;
  let renewedAt = at.getTime();
  return {
    environment,
    owner,
    mode,
    async renew() {
      const t = now();
      if (t.getTime() - renewedAt < leaseMs / RENEWALS_PER_LEASE) return;
      renewedAt = t.getTime();
      const kept = await prisma.inventorySyncState.updateMany({ where: { environment, leaseOwner: owner }, data: { leaseUntil: new Date(t.getTime() + leaseMs) } });
      if (kept.count === 0) throw new Error(`the sync lease of environment ${environment} was taken over by another replica`);
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
