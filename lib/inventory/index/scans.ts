/**
 * Scan reports in the index: one summary row per digest (InventoryScan) and one row per vulnerability
 * found in it (InventoryVulnerability), so "where is CVE-X" and "worst first" are SQL over the whole
 * index instead of a live crawl. Reports come from the normalized scan model (lib/scan): the
 * registry's own scanner (Harbor, ECR) first, otherwise the worst credible Trivy referrer, exactly as
 * the Scans pages choose (chooseScanReport).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { scanSource, type RegistryProvider } from "@/lib/registry";
import { chooseScanReport, type ScanOrigin } from "@/lib/scan/evidence";
import { normalizeVendorReport } from "@/lib/scan/fetch";
import { emptyCounts, type ScanReport } from "@/lib/scan/model";
import { trivyReportsFromReferrers } from "@/lib/scan/referrers";
import { recordReferrers } from "./referrers";

/** A report's findings are the scanner's to name; a report with more than this is cut, its counts kept whole. */
const MAX_OCCURRENCES_PER_DIGEST = 20_000;
const MAX_FIELD = 256;

export interface ScanLocation {
  environment: string;
  repository: string;
  digest: string;
  /** the registry's name in dockmaster.yaml */
  registry: string;
}

export type ScanRead = "stored" | "none" | "in_progress";

/**
 * Reads the scan report of one digest from its registry and stores it, replacing the digest's previous
 * report. Referrers listed on the way are recorded. "none": no report exists (or none is credible);
 * "in_progress": the registry is still scanning, nothing stored.
 */
export async function readScanIntoIndex(prisma: PrismaClient, provider: RegistryProvider, at: ScanLocation, o: { referrers?: boolean } = {}): Promise<ScanRead> {
  // the registry's own scanner first: it stamps its own time (evidence.ts prefers it too)
  const source = scanSource(provider);
  const vendor = source ? await source.getScanReport(at.repository, at.digest) : null;
  if (vendor) {
    const report = normalizeVendorReport(vendor);
    if (report.status === "in_progress") return "in_progress";
    if (report.status === "complete") {
      await storeScan(prisma, at.digest, { registry: at.registry, origin: "registry", report });
      return "stored";
    }
  }
  // `referrers: false`: the digest is not known to have any, and asking costs a request per digest
  if (!provider.capabilities.referrers || o.referrers === false) return "none";
  const listing = await provider.listReferrers(at.repository, at.digest);
  await recordReferrers(
    prisma,
    listing.referrers.map((r) => ({ subject: at.digest, referrer: r.digest, artifactType: r.artifactType ?? null, environment: at.environment, repository: at.repository, how: listing.via === "referrers-api" ? "referrers_api" : "referrers_tag" })),
  );
  if (!listing.referrers.some((r) => r.artifactType && /trivy/i.test(r.artifactType))) return "none";
  const choice = chooseScanReport({ registry: null, referrers: await trivyReportsFromReferrers(provider, at.repository, at.digest) }, { now: new Date() });
  if (!choice.report || choice.report.status !== "complete") return "none";
  const referrer = choice.evidence.find((e) => e.used)?.referrer;
  await storeScan(prisma, at.digest, { registry: at.registry, origin: "referrer", report: choice.report, ...(referrer ? { referrer } : {}) });
  return "stored";
}

/**
 * Replaces the digest's summary and occurrences in one transaction, serialized per digest (two
 * replicas ingesting the same scan-completed event must not leave both reports' rows behind).
 */
export async function storeScan(prisma: PrismaClient, digest: string, s: { registry: string; origin: ScanOrigin; report: ScanReport; referrer?: string }): Promise<void> {
  const { report } = s;
  const fixableBySeverity = emptyCounts();
  for (const f of report.findings) if (f.fixedVersion) fixableBySeverity[f.severity]++;
  const scannedAt = report.scannedAt ? new Date(report.scannedAt) : null;
  const summary = {
    origin: s.origin,
    registry: s.registry,
    scanner: clip(report.scanner),
    scannedAt: scannedAt && !Number.isNaN(scannedAt.getTime()) ? scannedAt : null,
    ...report.counts,
    fixable: report.fixable,
    fixableBySeverity,
    referrer: s.referrer ?? null,
    readAt: new Date(),
  };
  const occurrences = report.findings.slice(0, MAX_OCCURRENCES_PER_DIGEST).map((f) => ({
    digest,
    cve: clip(f.id.trim().toUpperCase()),
    package: clip(f.package),
    installedVersion: f.installedVersion ? clip(f.installedVersion) : null,
    fixedVersion: f.fixedVersion ? clip(f.fixedVersion) : null,
    severity: f.severity,
  }));
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`inventory-scan:${digest}`}))`;
      await tx.inventoryScan.upsert({ where: { digest }, create: { digest, ...summary }, update: summary });
      await tx.inventoryVulnerability.deleteMany({ where: { digest } });
      if (occurrences.length) await tx.inventoryVulnerability.createMany({ data: occurrences });
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}

/** A scanner's strings go into indexed columns: no NUL (PostgreSQL refuses it), bounded length. */
function clip(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, MAX_FIELD);
}
