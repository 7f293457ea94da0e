import type { EnhancedImageScanFinding, ImageScanFinding, ImageScanFindings } from "@aws-sdk/client-ecr";
import { buildReport, normalizeSeverity, type Finding, type ScanReport } from "./model";

function attribute(f: ImageScanFinding, key: string): string | undefined {
  return f.attributes?.find((a) => a.key === key)?.value;
}

/** Basic scanning (Clair-based): package and version come as attributes; fixes are not reported. */
function fromBasic(f: ImageScanFinding): Finding {
  const score = Number(attribute(f, "CVSS3_SCORE") ?? attribute(f, "CVSS2_SCORE"));
  const installedVersion = attribute(f, "package_version");
  return {
    id: f.name ?? "unknown",
    severity: normalizeSeverity(f.severity),
    package: attribute(f, "package_name") ?? "",
    ...(installedVersion ? { installedVersion } : {}),
    ...(f.description ? { description: f.description } : {}),
    links: f.uri ? [f.uri] : [],
    ...(Number.isFinite(score) ? { cvssScore: score } : {}),
  };
}

/** Enhanced scanning (Amazon Inspector): one finding may name several vulnerable packages. */
function fromEnhanced(f: EnhancedImageScanFinding): Finding[] {
  const d = f.packageVulnerabilityDetails;
  const id = d?.vulnerabilityId ?? f.title ?? "unknown";
  const links = [...new Set([...(d?.sourceUrl ? [d.sourceUrl] : []), ...(d?.referenceUrls ?? [])])];
  const score = f.score ?? d?.cvss?.[0]?.baseScore;
  const packages = d?.vulnerablePackages?.length ? d.vulnerablePackages : [{ name: "" }];
  return packages.map((p) => ({
    id,
    severity: normalizeSeverity(f.severity ?? d?.vendorSeverity),
    package: p.name ?? "",
    ...(p.version ? { installedVersion: [p.epoch ? `${p.epoch}:` : "", p.version, p.release ? `-${p.release}` : ""].join("") } : {}),
    ...(p.fixedInVersion && p.fixedInVersion !== "NotAvailable" ? { fixedVersion: p.fixedInVersion } : {}),
    ...(f.title ? { title: f.title } : {}),
    ...(f.description ? { description: f.description } : {}),
    links,
    ...(score ? { cvssScore: score } : {}),
  }));
}

export function fromEcrFindings(findings: ImageScanFindings, scanType: "basic" | "enhanced", status?: string): ScanReport {
  const state = status === undefined || status === "COMPLETE" || status === "ACTIVE" ? "complete" : status === "FAILED" || status === "UNSUPPORTED_IMAGE" ? "failed" : "in_progress";
  return buildReport({
    source: scanType === "enhanced" ? "ecr-enhanced" : "ecr-basic",
    scanner: scanType === "enhanced" ? "Amazon Inspector (ECR enhanced scanning)" : "Amazon ECR basic scanning",
    ...(findings.imageScanCompletedAt ? { scannedAt: findings.imageScanCompletedAt.toISOString() } : {}),
    status: state,
    findings: [...(findings.findings ?? []).map(fromBasic), ...(findings.enhancedFindings ?? []).flatMap(fromEnhanced)],
  });
}
