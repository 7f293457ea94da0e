/**
 * The normalized vulnerability model every scan source maps into (Harbor reports, ECR basic and
 * enhanced findings, Trivy JSON attached as OCI referrers), so the views can filter, sort, compare and
 * search them without knowing where they came from.
 */

export const SEVERITIES = ["critical", "high", "medium", "low", "negligible", "unknown"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** CVE-2019-14697, GHSA-…, ALAS-… */
  id: string;
  severity: Severity;
  package: string;
  installedVersion?: string;
  /** absent when no fixed version is known */
  fixedVersion?: string;
  title?: string;
  description?: string;
  links: string[];
  cvssScore?: number;
}

export type ScanSourceKind = "harbor" | "ecr-basic" | "ecr-enhanced" | "trivy";

export interface ScanReport {
  source: ScanSourceKind;
  /** "Trivy v0.50.0", "Amazon ECR basic scanning", "Amazon Inspector" */
  scanner: string;
  scannedAt?: string;
  status: "complete" | "in_progress" | "failed";
  findings: Finding[];
  counts: Record<Severity, number>;
  fixable: number;
}

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** Every vendor's spelling (Harbor "High", ECR "HIGH"/"INFORMATIONAL"/"UNTRIAGED", Trivy "HIGH"/"UNKNOWN"). */
export function normalizeSeverity(raw: string | undefined): Severity {
  const s = (raw ?? "").trim().toLowerCase();
  if (s === "critical" || s === "high" || s === "medium" || s === "low" || s === "negligible") return s;
  if (s === "moderate") return "medium";
  if (s === "informational" || s === "info" || s === "none") return "negligible";
  return "unknown";
}

export function emptyCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };
}

/** One finding per (id, package, installed version): scanners repeat findings per layer or target. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.id}\u0000${f.package}\u0000${f.installedVersion ?? ""}`;
    const prev = seen.get(key);
    if (!prev) seen.set(key, f);
    else seen.set(key, { ...prev, links: [...new Set([...prev.links, ...f.links])], fixedVersion: prev.fixedVersion ?? f.fixedVersion });
  }
  return [...seen.values()];
}

export function buildReport(init: Omit<ScanReport, "counts" | "fixable" | "findings"> & { findings: Finding[] }): ScanReport {
  const findings = dedupe(init.findings).sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id) || a.package.localeCompare(b.package));
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return { ...init, findings, counts, fixable: findings.filter((f) => f.fixedVersion).length };
}

export function worstSeverity(counts: Record<Severity, number>): Severity | undefined {
  return SEVERITIES.find((s) => counts[s] > 0);
}

/** Orders reports worst first: more criticals, then more highs, and so on. */
export function compareWorstFirst(a: Record<Severity, number>, b: Record<Severity, number>): number {
  for (const s of SEVERITIES) if (a[s] !== b[s]) return b[s] - a[s];
  return 0;
}

const CVE = /^CVE-\d{4}-\d{4,}$/i;
export function isCveId(value: string): boolean {
  return CVE.test(value.trim());
}
