import type { HarborVulnerabilityReport, VendorScanReport } from "../capabilities";
import { RegistryError } from "../errors";
import { expectObject, type JsonApi } from "../transport/json-api";
import { splitRepository } from "./names";

/** Report formats we read, preferred first (see specs/harbor-scanner notes). */
const VULNERABILITY_REPORT_MIME_TYPES = [
  "application/vnd.security.vulnerability.report; version=1.1",
  "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
] as const;

/**
 * The artifact's vulnerability report. Harbor answers with an object keyed by the report's mime type,
 * or `{}` when there is none (never scanned, or the scan still running).
 */
export async function getVulnerabilityReport(api: JsonApi, repository: string, digest: string): Promise<VendorScanReport | null> {
  const { project, param } = splitRepository(repository);
  const what = `vulnerability report of ${repository}@${digest}`;
  let body: Record<string, unknown>;
  try {
    const res = await api.call<unknown>({
      path: `/projects/${encodeURIComponent(project)}/repositories/${param}/artifacts/${encodeURIComponent(digest)}/additions/vulnerabilities`,
      headers: { "x-accept-vulnerabilities": VULNERABILITY_REPORT_MIME_TYPES.join(", ") },
      what,
    });
    body = expectObject<Record<string, unknown>>(api, res.data, what);
  } catch (err) {
    if (err instanceof RegistryError && err.kind === "not_found") return null;
    throw err;
  }
  for (const mimeType of VULNERABILITY_REPORT_MIME_TYPES) {
    const report = body[mimeType];
    if (report !== undefined) return { format: "harbor", mimeType, report: expectObject<HarborVulnerabilityReport>(api, report, what) };
  }
  return null;
}
