import { chooseScanReport } from "@/lib/scan/evidence";
import { scanReportsFor } from "@/lib/scan/fetch";
import type { ScanLookup } from "./gates";

/**
 * Scan gates read the same normalized reports the Scans pages show, live: the registry's own scanner
 * (Harbor, ECR) and Trivy reports attached to the digest as referrers. chooseScanReport() decides
 * which one counts (the registry's own, else the worst credible referrer report) and says why for
 * every report found; an unfinished scan counts as no scan.
 */
export const scanLookup: ScanLookup = async (provider, repository, digest, { origins, now }) => {
  const choice = chooseScanReport(await scanReportsFor(provider, repository, digest), { now, origins });
  const report = choice.report;
  if (!report || !choice.origin) return { summary: null, evidence: choice.evidence };
  return {
    summary: {
      critical: report.counts.critical,
      high: report.counts.high,
      medium: report.counts.medium,
      fixableCritical: report.findings.filter((f) => f.severity === "critical" && f.fixedVersion).length,
      scannedAt: report.scannedAt ?? "",
      scanner: report.scanner,
      origin: choice.origin,
    },
    evidence: choice.evidence,
  };
};
