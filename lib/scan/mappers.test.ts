import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CVES, ecrBasicFindings, ecrEnhancedFindings, harborReport } from "../../test/sim/fixtures";
import { fromEcrFindings } from "./ecr";
import { fromHarborReport } from "./harbor";
import { compareWorstFirst, emptyCounts, isCveId, normalizeSeverity, worstSeverity } from "./model";
import { fromTrivyReport, isTrivyReport, type TrivyReport } from "./trivy";

const specs = path.resolve(import.meta.dirname, "../../test/sim/specs");
const trivy = (file: string) => JSON.parse(readFileSync(path.join(specs, file), "utf8")) as TrivyReport;

describe("Trivy JSON (the project's golden reports)", () => {
  it("maps alpine 3.9: one CVE in two packages, fixable, with CVSS and links", () => {
    const r = fromTrivyReport(trivy("trivy-v0.74.0-alpine-39-high-critical.json"));
    expect(r).toMatchObject({ source: "trivy", scanner: "Trivy dev", scannedAt: "2021-08-25T12:20:30.000000005Z", status: "complete", fixable: 2 });
    expect(r.findings.map((f) => [f.id, f.package, f.installedVersion, f.fixedVersion, f.severity])).toEqual([
      ["CVE-2019-14697", "musl", "1.1.20-r4", "1.1.20-r5", "critical"],
      ["CVE-2019-14697", "musl-utils", "1.1.20-r4", "1.1.20-r5", "critical"],
    ]);
    expect(r.findings[0]!.links[0]).toBe("https://avd.aquasec.com/nvd/cve-2019-14697");
    expect(r.findings[0]!.cvssScore).toBeGreaterThan(0);
    expect(r.counts).toEqual({ ...emptyCounts(), critical: 2 });
  });

  it("maps debian buster: an unfixed LOW and a fixable CRITICAL, sorted worst first", () => {
    const r = fromTrivyReport(trivy("trivy-v0.74.0-debian-buster.json"));
    expect(r.findings.map((f) => [f.id, f.severity, f.fixedVersion])).toEqual([
      ["CVE-2019-18224", "critical", "2.0.5-1+deb10u1"],
      ["CVE-2019-18276", "low", undefined],
    ]);
    expect(r.fixable).toBe(1);
    expect(isTrivyReport(trivy("trivy-v0.74.0-debian-buster.json"))).toBe(true);
    expect(isTrivyReport({ spdxVersion: "SPDX-2.3" })).toBe(false);
  });
});

describe("Harbor vulnerability report", () => {
  it("maps the scanner spec's fields, including preferred CVSS", () => {
    const report = harborReport([CVES.bash, CVES.musl]);
    report.vulnerabilities![1] = { ...report.vulnerabilities![1]!, preferred_cvss: { score_v3: 9.8 } } as never;
    const r = fromHarborReport(report);
    expect(r).toMatchObject({ source: "harbor", scanner: "Trivy v0.50.0", scannedAt: "2026-02-01T08:00:00Z", fixable: 1 });
    expect(r.findings[0]).toEqual({ id: CVES.musl.id, severity: "critical", package: "musl", installedVersion: "1.1.20-r4", fixedVersion: "1.1.20-r5", description: CVES.musl.description, links: [CVES.musl.link], cvssScore: 9.8 });
    expect(r.findings[1]).toMatchObject({ id: CVES.bash.id, severity: "high" });
    expect(r.findings[1]!.fixedVersion).toBeUndefined();
  });
});

describe("ECR findings", () => {
  it("basic scanning: package and version from attributes, no fixed versions", () => {
    const r = fromEcrFindings({ findings: ecrBasicFindings([CVES.openssl, CVES.musl]), imageScanCompletedAt: new Date("2026-01-15T08:05:00Z") }, "basic");
    expect(r).toMatchObject({ source: "ecr-basic", scannedAt: "2026-01-15T08:05:00.000Z", status: "complete", fixable: 0 });
    expect(r.findings.map((f) => [f.id, f.package, f.installedVersion, f.severity, f.cvssScore])).toEqual([
      [CVES.musl.id, "musl", "1.1.20-r4", "critical", 7.5],
      [CVES.openssl.id, "openssl", "1.1.1b-r1", "medium", 7.5],
    ]);
  });

  it("enhanced scanning: fixed-in versions, titles and reference links", () => {
    const r = fromEcrFindings({ enhancedFindings: ecrEnhancedFindings([CVES.zlib, CVES.bash], { repository: "r", digest: "sha256:x" }) }, "enhanced", "ACTIVE");
    expect(r.source).toBe("ecr-enhanced");
    expect(r.findings.map((f) => [f.id, f.package, f.fixedVersion, f.severity])).toEqual([
      [CVES.zlib.id, "zlib", "1.2.12-r0", "high"],
      [CVES.bash.id, "bash", undefined, "high"],
    ]);
    expect(r.findings[0]!.links).toEqual([CVES.zlib.link]);
    expect(r.findings[0]!.title).toBe(`${CVES.zlib.id} - zlib`);
    expect(fromEcrFindings({}, "basic", "IN_PROGRESS").status).toBe("in_progress");
  });
});

describe("model helpers", () => {
  it("normalizes every vendor's severity spelling", () => {
    expect(["CRITICAL", "High", "MEDIUM", "Low", "INFORMATIONAL", "UNTRIAGED", "Negligible", "None"].map(normalizeSeverity)).toEqual(["critical", "high", "medium", "low", "negligible", "unknown", "negligible", "negligible"]);
  });

  it("orders worst first and names the worst severity", () => {
    const a = { ...emptyCounts(), high: 3 };
    const b = { ...emptyCounts(), critical: 1 };
    expect([a, b].sort(compareWorstFirst)).toEqual([b, a]);
    expect(worstSeverity(a)).toBe("high");
    expect(worstSeverity(emptyCounts())).toBeUndefined();
    expect(isCveId("CVE-2019-14697")).toBe(true);
    expect(isCveId("musl")).toBe(false);
  });
});
