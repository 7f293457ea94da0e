/**
 * Per environment, the newest change time a sync has seen through the registry's own API, by the
 * registry's clock (so the two clocks never have to agree). It only moves forward, and only after a
 * sync without errors: a repository that failed may hold changes older than what the others showed.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * How far before the cursor an incremental read starts: a push that began before the newest one a
 * sync saw can finish (and become listable) after that sync read its repository. Re-reading a few
 * minutes twice costs a page; missing them would wait for the hourly full sync.
 */
const OVERLAP_MS = 10 * 60_000;

/** where an incremental read starts; undefined: read everything */
export async function changeCursor(prisma: PrismaClient, environment: string): Promise<Date | undefined> {
  const state = await prisma.inventorySyncState.findUnique({ where: { environment }, select: { changeCursor: true } });
  return state?.changeCursor ? new Date(state.changeCursor.getTime() - OVERLAP_MS) : undefined;
}

export async function advanceChangeCursor(prisma: PrismaClient, environment: string, seen: Date): Promise<void> {
  await prisma.inventorySyncState.updateMany({ where: { environment, OR: [{ changeCursor: null }, { changeCursor: { lt: seen } }] }, data: { changeCursor: seen } });
}
