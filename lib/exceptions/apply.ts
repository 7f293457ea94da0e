/**
 * Applying the CVE exception ledger to findings: pure, evaluated with `now`, so an exception past its
 * expiry (or revoked) simply stops matching. No job is needed for correctness; maintenance only
 * audits and announces expiries (see maintenance.ts).
 */
import { emptyCounts, type Finding, type Severity } from "@/lib/scan/model";

export const EXCEPTION_SCOPES = ["digest", "repository", "environment", "global"] as const;

/** One ledger entry as the rules need it (a CveException row satisfies it). */
export interface ExceptionRule {
  id: string;
  cveId: string | null;
  packageName: string | null;
  scope: string;
  registry: string | null;
  repository: string | null;
  digest: string | null;
  environment: string | null;
  reason: string;
  owner: string;
  expiresAt: Date;
  createdBy: string;
  approvedBy: string | null;
  revokedAt: Date | null;
  source: string;
}

/** Where the findings come from: one digest of one repository, seen in these environments. */
export interface ExceptionTarget {
  registry: string;
  repository: string;
  digest: string;
  /** the environments whose view or gate is being evaluated (a promotion: its target environment) */
  environments: readonly string[];
}

/** What a gate or view records about an exception that accepted at least one finding. */
export interface AppliedException {
  id: string;
  subject: string;
  scope: string;
  scopeTarget: string;
  expiresAt: string;
  by: string;
  owner: string;
  reason: string;
  source: string;
  /** "CVE-2024-1234 (openssl)" for each finding it accepted */
  findings: string[];
}

export interface JudgedFinding {
  finding: Finding;
  /** the exception that accepts it, or null: it counts */
  acceptedBy: ExceptionRule | null;
}

export const isActive = (e: Pick<ExceptionRule, "revokedAt" | "expiresAt">, now: Date) => e.revokedAt === null && e.expiresAt.getTime() > now.getTime();

/** The name a person reads: the CVE id, or "package zlib". */
export const subjectOf = (e: Pick<ExceptionRule, "cveId" | "packageName">) => e.cveId ?? `package ${e.packageName}`;

/** "dev-registry/team/api@sha256:…", "environment prod", "every environment". */
export function scopeTargetOf(e: Pick<ExceptionRule, "scope" | "registry" | "repository" | "digest" | "environment">): string {
  if (e.scope === "digest") return `${e.registry}/${e.repository}@${e.digest}`;
  if (e.scope === "repository") return `${e.registry}/${e.repository}`;
  if (e.scope === "environment") return `environment ${e.environment}`;
  return "every environment";
}

function inScope(e: ExceptionRule, t: ExceptionTarget): boolean {
  switch (e.scope) {
    case "digest":
      return e.registry === t.registry && e.repository === t.repository && e.digest === t.digest;
    case "repository":
      return e.registry === t.registry && e.repository === t.repository;
    case "environment":
      return e.environment !== null && t.environments.includes(e.environment);
    case "global":
      return true;
    default:
      return false; // an unknown scope accepts nothing
  }
}

const covers = (e: ExceptionRule, f: Finding) => (e.cveId !== null ? e.cveId.toUpperCase() === f.id.toUpperCase() : e.packageName === f.package);

/** Narrowest first: the exception a reviewer wrote for this very image wins over a broader one. */
const NARROW = Object.fromEntries(EXCEPTION_SCOPES.map((s, i) => [s, i])) as Record<string, number>;

/** Marks each finding accepted (with the exception that applied) or not. */
export function judgeFindings(findings: readonly Finding[], rules: readonly ExceptionRule[], target: ExceptionTarget, now: Date): JudgedFinding[] {
  const candidates = rules
    .filter((e) => isActive(e, now) && inScope(e, target))
    .sort((a, b) => (NARROW[a.scope] ?? 9) - (NARROW[b.scope] ?? 9) || b.expiresAt.getTime() - a.expiresAt.getTime());
  return findings.map((finding) => ({ finding, acceptedBy: candidates.find((e) => covers(e, finding)) ?? null }));
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The exceptions that accepted something, each with the findings it accepted. */
export function appliedExceptions(judged: readonly JudgedFinding[]): AppliedException[] {
  const byId = new Map<string, AppliedException>();
  for (const { finding, acceptedBy: e } of judged) {
    if (!e) continue;
    const applied = byId.get(e.id) ?? {
      id: e.id,
      subject: subjectOf(e),
      scope: e.scope,
      scopeTarget: scopeTargetOf(e),
      expiresAt: e.expiresAt.toISOString(),
      by: e.approvedBy ?? e.createdBy,
      owner: e.owner,
      reason: e.reason,
      source: e.source,
      findings: [],
    };
    applied.findings.push(`${finding.id} (${finding.package})`);
    byId.set(e.id, applied);
  }
  return [...byId.values()];
}

/** "CVE-2024-1234 accepted until 2027-01-10 by alice: reason …" */
export function describeApplied(a: AppliedException): string {
  return `${a.subject} accepted until ${day(new Date(a.expiresAt))} by ${a.by}: ${a.reason}`;
}

/** Severity counts of the findings that still count (not accepted). */
export function countOpen(judged: readonly JudgedFinding[]): { counts: Record<Severity, number>; fixable: number; fixableCritical: number; accepted: number } {
  const counts = emptyCounts();
  let fixable = 0;
  let fixableCritical = 0;
  let accepted = 0;
  for (const { finding: f, acceptedBy } of judged) {
    if (acceptedBy) {
      accepted++;
      continue;
    }
    counts[f.severity]++;
    if (f.fixedVersion) {
      fixable++;
      if (f.severity === "critical") fixableCritical++;
    }
  }
  return { counts, fixable, fixableCritical, accepted };
}
