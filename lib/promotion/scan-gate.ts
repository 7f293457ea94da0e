import { appliedExceptions, countOpen, judgeFindings } from "@/lib/exceptions/apply";
import { chooseScanReport } from "@/lib/scan/evidence";
import { scanReportsFor } from "@/lib/scan/fetch";
import type { ScanLookup } from "./gates";

/**
 * Scan gates read the same normalized reports the Scans pages show, live: the registry's own scanner
 * (Harbor, ECR) and Trivy reports attached to the digest as referrers. chooseScanReport() decides
 * which one counts (the registry's own, else the worst credible referrer report) and says why for
 * every report found; an unfinished scan counts as no scan. Findings an active CVE exception accepts
 * (for this digest, its repository, the target environment, or everywhere) do not count.
 */
export const scanLookup: ScanLookup = async (provider, repository, digest, { origins, now, exceptions }) => {
  const choice = chooseScanReport(await scanReportsFor(provider, repository, digest), { now, origins });
  const report = choice.report;
  if (!report || !choice.origin) return { summary: null, evidence: choice.evidence };
  const judged = judgeFindings(report.findings, exceptions?.rules ?? [], { registry: exceptions?.registry ?? "", repository, digest, environments: exceptions ? [exceptions.environment] : [] }, now);
  const open = countOpen(judged);
  const accepted = appliedExceptions(judged);
  return {
    summary: {
      critical: open.counts.critical,
      high: open.counts.high,
      medium: open.counts.medium,
      fixableCritical: open.fixableCritical,
      scannedAt: report.scannedAt ?? "",
      scanner: report.scanner,
      origin: choice.origin,
      ...(accepted.length ? { accepted } : {}),
    },
    evidence: choice.evidence,
  };
};
