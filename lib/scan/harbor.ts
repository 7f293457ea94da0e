import type { HarborVulnerabilityReport } from "@/lib/registry";
import { buildReport, normalizeSeverity, type ScanReport } from "./model";

/** Harbor's report (scanner adapter spec v1.0/v1.1: the same item shape, v1.1 adds CVSS). */
export function fromHarborReport(report: HarborVulnerabilityReport): ScanReport {
  const scanner = report.scanner ? [report.scanner.name, report.scanner.version].filter(Boolean).join(" ") : "Harbor scanner";
  return buildReport({
    source: "harbor",
    scanner: scanner || "Harbor scanner",
    ...(report.generated_at ? { scannedAt: report.generated_at } : {}),
    status: "complete",
    findings: (report.vulnerabilities ?? []).map((v) => {
      const cvss = (v as { preferred_cvss?: { score_v3?: number; score_v2?: number } }).preferred_cvss;
      const score = cvss?.score_v3 ?? cvss?.score_v2;
      return {
        id: v.id ?? "unknown",
        severity: normalizeSeverity(v.severity),
        package: v.package ?? "",
        ...(v.version ? { installedVersion: v.version } : {}),
        ...(v.fix_version ? { fixedVersion: v.fix_version } : {}),
        ...(v.description ? { description: v.description } : {}),
        links: v.links ?? [],
        ...(score !== undefined ? { cvssScore: score } : {}),
      };
    }),
  });
}
