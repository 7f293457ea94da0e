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

export function isTrivyArtifactType(t: string | undefined): boolean {
  return !!t && /trivy/i.test(t) && /json/i.test(t);
}

async function readBlob(p: RegistryProvider, repository: string, digest: string): Promise<Buffer> {
  const { stream } = await p.openBlob(repository, digest);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) {
      stream.destroy();
      throw new Error(`scan report ${digest} in ${repository} is larger than ${MAX_REPORT_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
      parsed = JSON.parse((await readBlob(p, repository, layer.digest)).toString("utf8"));
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
