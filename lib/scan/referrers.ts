/**
 * Trivy reports attached to an image as OCI referrers (`oras attach --artifact-type … report.json`),
 * the way plain registries carry scan results. There is no registered artifact type for Trivy's JSON,
 * so any JSON artifact type naming trivy is accepted. Whoever can push the image can attach reports,
 * so every one is read and returned with the date its referrer claims: the caller judges them
 * (evidence.ts), none is trusted for being the newest.
 */
import { isIndexJson, type Referrer, type RegistryProvider } from "@/lib/registry";
import { fromTrivyReport, isTrivyReport } from "./trivy";
import type { ScanReport } from "./model";

export const TRIVY_REPORT_ARTIFACT_TYPE = "application/vnd.aquasecurity.trivy.report+json";
const MAX_REPORT_BYTES = 32 * 1024 * 1024;
/** Reports read per digest: more than this and the worst cannot be known, which evidence.ts treats as no verdict. */
const MAX_REFERRER_REPORTS = 16;

function isTrivyArtifactType(t: string | undefined): boolean {
  return !!t && /trivy/i.test(t) && /json/i.test(t);
}

const created = (r: Referrer) => r.annotations?.["org.opencontainers.image.created"] || undefined;

export interface ReferrerReport {
  /** digest of the referrer artifact carrying the report */
  referrer: string;
  /** its org.opencontainers.image.created annotation, as the pusher wrote it */
  annotatedAt?: string;
  report: ScanReport;
}

export interface UnreadReferrer {
  referrer: string;
  annotatedAt?: string;
  problem: string;
}

export interface ReferrerReports {
  reports: ReferrerReport[];
  unread: UnreadReferrer[];
  /** more Trivy referrers than MAX_REFERRER_REPORTS: the ones beyond were not read */
  truncated: boolean;
}

export async function trivyReportsFromReferrers(p: RegistryProvider, repository: string, digest: string): Promise<ReferrerReports> {
  const none: ReferrerReports = { reports: [], unread: [], truncated: false };
  if (!p.capabilities.referrers) return none;
  const { referrers } = await p.listReferrers(repository, digest);
  const candidates = referrers.filter((r) => isTrivyArtifactType(r.artifactType));
  const result: ReferrerReports = { ...none, truncated: candidates.length > MAX_REFERRER_REPORTS };
  for (const candidate of candidates.slice(0, MAX_REFERRER_REPORTS)) {
    const annotatedAt = created(candidate);
    const base = { referrer: candidate.digest, ...(annotatedAt ? { annotatedAt } : {}) };
    const read = await readTrivyReport(p, repository, candidate.digest);
    if (typeof read === "string") result.unread.push({ ...base, problem: read });
    else result.reports.push({ ...base, report: { ...read, scannedAt: read.scannedAt ?? annotatedAt } });
  }
  for (const candidate of candidates.slice(MAX_REFERRER_REPORTS)) {
    const annotatedAt = created(candidate);
    result.unread.push({ referrer: candidate.digest, ...(annotatedAt ? { annotatedAt } : {}), problem: `not read: more than ${MAX_REFERRER_REPORTS} scan reports are attached` });
  }
  return result;
}

/** The report inside one referrer, or why there is none. */
async function readTrivyReport(p: RegistryProvider, repository: string, digest: string): Promise<ScanReport | string> {
  const manifest = await p.getManifest(repository, digest);
  if (isIndexJson(manifest.json)) return "an index, not a report";
  const layer = manifest.json.layers[0];
  if (!layer) return "carries no report";
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(await p.getBlob(repository, layer.digest, MAX_REPORT_BYTES)));
  } catch {
    return "its report is not JSON";
  }
  return isTrivyReport(parsed) ? fromTrivyReport(parsed) : "not a Trivy JSON report";
}
