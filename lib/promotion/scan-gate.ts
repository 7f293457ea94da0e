import { scanReportFor } from "@/lib/scan/fetch";
import type { ScanLookup } from "./gates";

/**
 * Scan gates read the same normalized report the Scans pages show: the registry's own scanner
 * (Harbor, ECR) or a Trivy report attached to the digest as a referrer. An unfinished scan counts as
 * no scan.
 */
export const scanLookup: ScanLookup = async (provider, repository, digest) => {
  const report = await scanReportFor(provider, repository, digest);
  if (!report || report.status !== "complete") return null;
  return {
    critical: report.counts.critical,
    high: report.counts.high,
    medium: report.counts.medium,
    fixableCritical: report.findings.filter((f) => f.severity === "critical" && f.fixedVersion).length,
    scannedAt: report.scannedAt ?? "",
    scanner: report.scanner,
  };
};
