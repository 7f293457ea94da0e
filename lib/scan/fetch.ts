import { namedCache } from "@/lib/browse/cache";
import { scanSource, type RegistryProvider, type VendorScanReport } from "@/lib/registry";
import { fromEcrFindings } from "./ecr";
import { fromHarborReport } from "./harbor";
import type { ScanReport } from "./model";
import { chooseScanReport, type FoundScanReports } from "./evidence";
import { trivyReportsFromReferrers } from "./referrers";

export function normalizeVendorReport(v: VendorScanReport): ScanReport {
  return v.format === "harbor" ? fromHarborReport(v.report) : fromEcrFindings(v.findings, v.scanType, v.status);
}

/** Reports change when an image is rescanned, so they are kept briefly, not until evicted. */
const SCAN_TTL_MS = Number(process.env.DOCKMASTER_SCAN_TTL_MS ?? 60_000);
const reports = namedCache<{ report: ScanReport | null }>("scan-reports", { max: 20_000, ttlMs: SCAN_TTL_MS });

/**
 * Every scan report of one artifact, read live: the registry's own (Harbor, ECR) and each Trivy
 * report attached as an OCI referrer. evidence.ts judges which may count.
 */
export async function scanReportsFor(p: RegistryProvider, repository: string, digest: string): Promise<FoundScanReports> {
  const source = scanSource(p);
  const [vendor, referrers] = await Promise.all([source ? source.getScanReport(repository, digest) : null, trivyReportsFromReferrers(p, repository, digest)]);
  return { registry: vendor ? normalizeVendorReport(vendor) : null, referrers };
}

/**
 * The scan report of one artifact as the Scans pages show it: the registry's own (Harbor, ECR) when
 * it has one, whatever its state, otherwise the referrer report chooseScanReport() picks (the worst
 * credible one). null when neither exists.
 */
export async function scanReportFor(p: RegistryProvider, repository: string, digest: string): Promise<ScanReport | null> {
  const { report } = await reports.get(`${p.name}\u0000${repository}\u0000${digest}`, async () => {
    const source = scanSource(p);
    const vendor = source ? await source.getScanReport(repository, digest) : null;
    if (vendor) return { report: normalizeVendorReport(vendor) };
    const referrers = await trivyReportsFromReferrers(p, repository, digest);
    return { report: chooseScanReport({ registry: null, referrers }, { now: new Date() }).report };
  });
  return report;
}
