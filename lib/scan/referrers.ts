/**
 * Trivy reports attached to an image as OCI referrers (`oras attach --artifact-type … report.json`),
 * the way plain registries carry scan results. There is no registered artifact type for Trivy's JSON,
 * so any JSON artifact type naming trivy is accepted; the newest report wins.
 */
import { isIndexJson, type Referrer, type RegistryProvider } from "@/lib/registry";
import { fromTrivyReport, isTrivyReport } from "./trivy";
import type { ScanReport } from "./model";

export const TRIVY_REPORT_ARTIFACT_TYPE = "application/vnd.aquasecurity.trivy.report+json";
const MAX_REPORT_BYTES = 32 * 1024 * 1024;

function isTrivyArtifactType(t: string | undefined): boolean {
  return !!t && /trivy/i.test(t) && /json/i.test(t);
}

const created = (r: Referrer) => r.annotations?.["org.opencontainers.image.created"] ?? "";

export async function trivyReportFromReferrers(p: RegistryProvider, repository: string, digest: string): Promise<ScanReport | null> {
  if (!p.capabilities.referrers) return null;
  const { referrers } = await p.listReferrers(repository, digest);
  const candidates = referrers.filter((r) => isTrivyArtifactType(r.artifactType)).sort((a, b) => created(b).localeCompare(created(a)));
  for (const candidate of candidates) {
    const manifest = await p.getManifest(repository, candidate.digest);
    if (isIndexJson(manifest.json)) continue;
    const layer = manifest.json.layers[0];
    if (!layer) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(await p.getBlob(repository, layer.digest, MAX_REPORT_BYTES)));
    } catch {
      continue;
    }
    if (isTrivyReport(parsed)) {
      const report = fromTrivyReport(parsed);
      return { ...report, scannedAt: report.scannedAt ?? (created(candidate) || undefined) };
    }
  }
  return null;
}
