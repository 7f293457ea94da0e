/**
 * Which scan report may decide a gate. A registry's own scanner (Harbor, ECR) runs inside the
 * registry and stamps its own time; a report attached as a referrer is whatever its pusher wrote,
 * dates included. So: the registry's report is preferred; every referrer date is a claim, and one in
 * the future (beyond clock skew) disqualifies its report; among the referrer reports left, the worst
 * one decides, so attaching a cleaner or newer report can never hide findings. Every report found is
 * listed with its source and why it was used or not.
 */
import type { ScanReport, Severity } from "./model";
import { compareWorstFirst } from "./model";
import type { ReferrerReports } from "./referrers";

export const SCAN_ORIGINS = ["registry", "referrer"] as const;
export type ScanOrigin = (typeof SCAN_ORIGINS)[number];

/** Clocks disagree a little; a report dated later than this past now is not believed. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface FoundScanReports {
  /** the registry's own scanner's report, null when it has none (or the registry has no scanner) */
  registry: ScanReport | null;
  referrers: ReferrerReports;
}

export interface ScanEvidence {
  origin: ScanOrigin;
  /** the referrer artifact carrying the report */
  referrer?: string;
  scanner?: string;
  scannedAt?: string;
  counts?: Pick<Record<Severity, number>, "critical" | "high" | "medium">;
  used: boolean;
  why: string;
}

export interface ScanChoice {
  report: ScanReport | null;
  origin: ScanOrigin | null;
  evidence: ScanEvidence[];
}

interface Candidate {
  origin: ScanOrigin;
  referrer?: string;
  report: ScanReport;
  /** every date claimed for it: the report's scan time, the referrer's annotation */
  claims: string[];
}

/** Why a report cannot count, or null when it can. */
function disqualified(c: Candidate, now: Date, origins: readonly ScanOrigin[]): string | null {
  if (!origins.includes(c.origin)) return `not counted: gates.scanSources allows only ${origins.join(", ")} reports`;
  if (c.report.status !== "complete") return `the scan is ${c.report.status.replace("_", " ")}`;
  for (const claim of c.claims) {
    const at = Date.parse(claim);
    if (Number.isNaN(at)) return `its date "${claim}" is not a date`;
    if (at > now.getTime() + CLOCK_SKEW_MS) return `dated ${claim}, in the future: ${c.origin === "registry" ? "the registry's clock is wrong" : "a date its pusher chose"}, not believed`;
  }
  return null;
}

export function chooseScanReport(found: FoundScanReports, options: { now: Date; origins?: readonly ScanOrigin[] }): ScanChoice {
  const origins = options.origins ?? SCAN_ORIGINS;
  const candidates: Candidate[] = [
    ...(found.registry ? [{ origin: "registry" as const, report: found.registry, claims: found.registry.scannedAt ? [found.registry.scannedAt] : [] }] : []),
    ...found.referrers.reports.map((r) => ({
      origin: "referrer" as const,
      referrer: r.referrer,
      report: r.report,
      claims: [...new Set([r.report.scannedAt, r.annotatedAt].filter((d): d is string => !!d))],
    })),
  ];
  const judged = candidates.map((c) => ({ c, problem: disqualified(c, options.now, origins) }));
  const valid = judged.filter((j) => !j.problem).map((j) => j.c);
  const registry = valid.find((c) => c.origin === "registry");
  const referrersTruncated = found.referrers.truncated && origins.includes("referrer");
  const worstReferrer = valid.filter((c) => c.origin === "referrer").sort((a, b) => compareWorstFirst(a.report.counts, b.report.counts))[0];
  // without the registry's own report, unread referrers might be worse than every one read: no verdict
  const chosen = registry ?? (referrersTruncated ? undefined : worstReferrer);

  const why = (c: Candidate, problem: string | null): string => {
    if (problem) return problem;
    if (c === chosen) return c.origin === "registry" ? "used: the registry's own scanner, which sets its own scan time" : `used: the worst of ${valid.filter((v) => v.origin === "referrer").length} valid referrer report(s)`;
    if (registry) return "not used: the registry's own scan report is preferred";
    if (referrersTruncated) return "not used: more reports are attached than are read, so the worst cannot be known";
    return "not used: another valid report has more findings";
  };
  const evidence: ScanEvidence[] = [
    ...judged.map(({ c, problem }) => ({
      origin: c.origin,
      ...(c.referrer ? { referrer: c.referrer } : {}),
      scanner: c.report.scanner,
      ...(c.report.scannedAt ? { scannedAt: c.report.scannedAt } : {}),
      counts: { critical: c.report.counts.critical, high: c.report.counts.high, medium: c.report.counts.medium },
      used: c === chosen,
      why: why(c, problem),
    })),
    ...found.referrers.unread.map((u) => ({ origin: "referrer" as const, referrer: u.referrer, ...(u.annotatedAt ? { scannedAt: u.annotatedAt } : {}), used: false, why: u.problem })),
  ];
  return { report: chosen?.report ?? null, origin: chosen?.origin ?? null, evidence };
}
