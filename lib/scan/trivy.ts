/**
 * Trivy's JSON report (`trivy image --format json`, SchemaVersion 2). Trivy publishes no schema for
 * it; the shape read here is the one of its golden test reports (test/sim/specs/trivy-*.json).
 */
import { buildReport, normalizeSeverity, type ScanReport } from "./model";

interface TrivyVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  Description?: string;
  PrimaryURL?: string;
  References?: string[];
  CVSS?: Record<string, { V3Score?: number; V2Score?: number }>;
}

export interface TrivyReport {
  SchemaVersion?: number;
  CreatedAt?: string;
  Trivy?: { Version?: string };
  ArtifactName?: string;
  Results?: Array<{ Target?: string; Vulnerabilities?: TrivyVulnerability[] | null }>;
}

export function isTrivyReport(value: unknown): value is TrivyReport {
  return typeof value === "object" && value !== null && "SchemaVersion" in value && Array.isArray((value as TrivyReport).Results ?? []);
}

export function fromTrivyReport(report: TrivyReport): ScanReport {
  return buildReport({
    source: "trivy",
    scanner: `Trivy${report.Trivy?.Version ? ` ${report.Trivy.Version}` : ""}`,
    ...(report.CreatedAt ? { scannedAt: report.CreatedAt } : {}),
    status: "complete",
    findings: (report.Results ?? []).flatMap((r) =>
      (r.Vulnerabilities ?? []).map((v) => {
        const cvss = v.CVSS ? Object.values(v.CVSS).map((c) => c.V3Score ?? c.V2Score).find((s) => s !== undefined) : undefined;
        return {
          id: v.VulnerabilityID ?? "unknown",
          severity: normalizeSeverity(v.Severity),
          package: v.PkgName ?? "",
          ...(v.InstalledVersion ? { installedVersion: v.InstalledVersion } : {}),
          ...(v.FixedVersion ? { fixedVersion: v.FixedVersion } : {}),
          ...(v.Title ? { title: v.Title } : {}),
          ...(v.Description ? { description: v.Description } : {}),
          links: [...new Set([...(v.PrimaryURL ? [v.PrimaryURL] : []), ...(v.References ?? [])])],
          ...(cvss !== undefined ? { cvssScore: cvss } : {}),
        };
      }),
    ),
  });
}
