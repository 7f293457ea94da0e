/**
 * PostgreSQL plans each query from table statistics, which autovacuum's ANALYZE keeps current, when
 * it runs: PGlite has no autovacuum, and a server may have it switched off (this machine's has). An
 * index a sync has just filled or rewritten would then be planned as the table it was before: after a
 * first full sync of 100,000 tags the referrers query took the environment for 435 tags and walked all
 * of them by nested loop, 0.9 s for a question its index answers at once.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

/** the tables a sync writes in bulk; the others stay small or are written a row at a time */
const SYNCED_TABLES = ['"InventoryTag"', '"InventoryManifest"', '"InventoryTagEvent"'];

/** autovacuum's own default for when a table needs analyzing: 50 rows plus a tenth of the table */
export function needsAnalyze(rowsChanged: number, rowsBefore: number): boolean {
  return rowsChanged > 50 + 0.1 * rowsBefore;
}

/** Refreshes the synced tables' statistics when a sync changed enough of them for the old ones to mislead. */
export async function analyzeAfterSync(prisma: Pick<PrismaClient, "$executeRawUnsafe">, rowsChanged: number, rowsBefore: number): Promise<boolean> {
  if (!needsAnalyze(rowsChanged, rowsBefore)) return false;
  await prisma.$executeRawUnsafe(`ANALYZE ${SYNCED_TABLES.join(", ")}`);
  return true;
}
