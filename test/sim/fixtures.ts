/**
 * Scan data the simulators serve. The CVEs are real ones (text from the Trivy golden reports in
 * test/sim/specs) so the normalized views show something a reader recognises; which image carries
 * which finding is made up for the tests.
 */
import type { EnhancedImageScanFinding, ImageScanFinding } from "@aws-sdk/client-ecr";
import type { HarborReport } from "./harbor/server";

export const CVES = {
  musl: {
    id: "CVE-2019-14697",
    package: "musl",
    installed: "1.1.20-r4",
    fixed: "1.1.20-r5",
    severity: "Critical",
    description: "musl libc through 1.1.23 has an x87 floating-point stack adjustment imbalance, related to the math/i386/ directory.",
    link: "https://avd.aquasec.com/nvd/cve-2019-14697",
  },
  openssl: {
    id: "CVE-2019-1549",
    package: "openssl",
    installed: "1.1.1b-r1",
    fixed: "1.1.1d-r0",
    severity: "Medium",
    description: "OpenSSL 1.1.1 introduced a rewritten random number generator (RNG).",
    link: "https://avd.aquasec.com/nvd/cve-2019-1549",
  },
  bash: {
    id: "CVE-2019-18276",
    package: "bash",
    installed: "5.0-4",
    fixed: "",
    severity: "High",
    description: "An issue was discovered in disable_priv_mode in shell.c in GNU Bash through 5.0 patch 11.",
    link: "https://avd.aquasec.com/nvd/cve-2019-18276",
  },
  zlib: {
    id: "CVE-2018-25032",
    package: "zlib",
    installed: "1.2.11-r1",
    fixed: "1.2.12-r0",
    severity: "High",
    description: "zlib before 1.2.12 allows memory corruption when deflating (i.e., when compressing) if the input has many distant matches.",
    link: "https://avd.aquasec.com/nvd/cve-2018-25032",
  },
} as const;

export type CveFixture = (typeof CVES)[keyof typeof CVES];

export function harborReport(cves: CveFixture[], generatedAt = "2026-02-01T08:00:00Z"): HarborReport {
  const order = ["Unknown", "Negligible", "Low", "Medium", "High", "Critical"] as const;
  const worst = cves.reduce<(typeof order)[number]>((w, c) => (order.indexOf(c.severity) > order.indexOf(w) ? c.severity : w), "Unknown");
  return {
    generated_at: generatedAt,
    scanner: { name: "Trivy", vendor: "Aqua Security", version: "v0.50.0" },
    severity: worst,
    vulnerabilities: cves.map((c) => ({
      id: c.id,
      package: c.package,
      version: c.installed,
      ...(c.fixed ? { fix_version: c.fixed } : {}),
      severity: c.severity,
      description: c.description,
      links: [c.link],
    })),
  };
}

export function ecrBasicFindings(cves: CveFixture[]): ImageScanFinding[] {
  return cves.map((c) => ({
    name: c.id,
    description: c.description,
    uri: c.link,
    severity: c.severity.toUpperCase() as ImageScanFinding["severity"],
    attributes: [
      { key: "package_name", value: c.package },
      { key: "package_version", value: c.installed },
      { key: "CVSS2_SCORE", value: "7.5" },
    ],
  }));
}

export function ecrEnhancedFindings(cves: CveFixture[], image: { repository: string; digest: string }): EnhancedImageScanFinding[] {
  const at = new Date("2026-02-01T08:00:00Z");
  return cves.map((c, i) => ({
    awsAccountId: "123456789012",
    description: c.description,
    findingArn: `arn:aws:inspector2:eu-west-1:123456789012:finding/${i.toString(16).padStart(32, "0")}`,
    firstObservedAt: at,
    lastObservedAt: at,
    packageVulnerabilityDetails: {
      cvss: [{ baseScore: 9.8, scoringVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", source: "NVD", version: "3.1" }],
      referenceUrls: [c.link],
      source: "NVD",
      sourceUrl: c.link,
      vendorSeverity: c.severity.toUpperCase(),
      vulnerabilityId: c.id,
      vulnerablePackages: [{ name: c.package, version: c.installed, packageManager: "OS", ...(c.fixed ? { fixedInVersion: c.fixed } : {}) }],
    },
    remediation: { recommendation: { text: c.fixed ? `Upgrade ${c.package} to ${c.fixed}` : "None provided" } },
    resources: [{ id: `arn:aws:ecr:eu-west-1:123456789012:repository/${image.repository}/${image.digest}`, type: "AWS_ECR_CONTAINER_IMAGE", details: { awsEcrContainerImage: { imageHash: image.digest, repositoryName: image.repository, registry: "123456789012" } } }],
    score: 9.8,
    severity: c.severity.toUpperCase(),
    status: "ACTIVE",
    title: `${c.id} - ${c.package}`,
    type: "PACKAGE_VULNERABILITY",
    updatedAt: at,
    fixAvailable: c.fixed ? "YES" : "NO",
  }));
}

/** Harbor tag rules the provider test and the e2e world both configure: tags 1.* immutable in every repository… */
export const HARBOR_IMMUTABLE_1X = { id: 1, priority: 0, disabled: false, action: "immutable", template: "immutable_template", tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: "1.*" }], scope_selectors: { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] } };
/** …and retention keeping the latest pushed tag of each repository. */
export const HARBOR_RETAIN_LATEST = { id: 1, priority: 1, disabled: false, action: "retain", template: "latestPushedK", params: { latestPushedK: 1 } as never, tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: "**" }], scope_selectors: { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] } };
