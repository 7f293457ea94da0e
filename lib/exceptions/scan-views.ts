/**
 * The ledger as the scan views apply it (lib/scan/views.ts FindingFilter): findings an active
 * exception accepts leave the counts (so the worst-first order and the badges are what still counts)
 * and are listed with who accepted them, until when and why.
 */
import { buildReport } from "@/lib/scan/model";
import type { FindingFilter } from "@/lib/scan/views";
import { appliedExceptions, describeApplied, judgeFindings, type ExceptionRule } from "./apply";

export function exceptionFilter(rules: readonly ExceptionRule[], now: Date): FindingFilter {
  return (image, report) => {
    if (rules.length === 0) return { report, accepted: [] };
    const judged = judgeFindings(report.findings, rules, image, now);
    const accepted = judged.flatMap((j) => (j.acceptedBy ? [{ finding: j.finding, note: describeApplied(appliedExceptions([j])[0]!) }] : []));
    if (accepted.length === 0) return { report, accepted };
    const open = judged.filter((j) => !j.acceptedBy).map((j) => j.finding);
    return { report: buildReport({ source: report.source, scanner: report.scanner, scannedAt: report.scannedAt, status: report.status, findings: open }), accepted };
  };
}
