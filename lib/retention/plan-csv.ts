/**
 * A stored plan as CSV for a spreadsheet or a change ticket: one row per planned deletion, then one
 * per protected candidate, so the file alone shows what goes and what was saved and why.
 * `bytes` is the manifest's full size; `reclaimed_bytes` what deleting it frees with shared layers
 * counted once (reclaim.ts: each freed blob counted for the first row that frees it, so the column
 * sums to the plan's total), `reclaimed_upper_bound` true where that is the full size for want of a
 * blob list. Both are empty for plans computed before they existed; new columns go last, so a
 * spreadsheet reading the old ones by position still reads them.
 */
import { csvLine } from "@/lib/export/csv";
import type { StoredPlan } from "./plan-store";

const HEADER = ["action", "repository", "tag", "digest", "rule_or_reason", "bytes", "deletes_manifest", "reclaimed_bytes", "reclaimed_upper_bound"];

export function planCsv(plan: Pick<StoredPlan, "items" | "protected">): string {
  const rows = [
    HEADER,
    ...plan.items.map((i) => ["delete", i.repository, i.tag, i.digest, i.rule, i.bytes, i.deletesManifest, i.reclaimed ?? "", i.reclaimed === undefined ? "" : i.reclaimedUpperBound === true]),
    ...plan.protected.map((p) => ["protected", p.repository, p.tag, p.digest, p.reason, "", "", "", ""]),
  ];
  // lib/export/csv.ts: RFC 4180 quoting, and a leading = + - @ is prefixed with ' so no spreadsheet runs a tag name as a formula
  return rows.map((r) => csvLine(r)).join("");
}

export function planCsvFilename(plan: Pick<StoredPlan, "environment" | "id">): string {
  return `retention-plan-${plan.environment}-${plan.id}.csv`;
}
