import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/scan/model";
import { countOpen, judgeFindings, type ExceptionRule } from "./apply";

const now = new Date("2027-01-01T00:00:00Z");
const later = new Date("2027-02-01T00:00:00Z");
const target = { registry: "reg", repository: "dev/api", digest: `sha256:${"a".repeat(64)}`, environments: ["prod"] };
const finding = (id: string, pkg: string, severity: Finding["severity"] = "critical", fixedVersion?: string): Finding => ({ id, package: pkg, severity, links: [], ...(fixedVersion ? { fixedVersion } : {}) });
let n = 0;
const rule = (r: Partial<ExceptionRule>): ExceptionRule => ({
  id: `e${++n}`, cveId: null, packageName: null, scope: "global", registry: null, repository: null, digest: null, environment: null,
  reason: "r", owner: "o", expiresAt: later, createdBy: "c", approvedBy: null, revokedAt: null, source: "ui", ...r,
});

describe("judgeFindings", () => {
  const findings = [finding("CVE-2024-1", "openssl", "critical", "3.0.1"), finding("CVE-2024-2", "zlib", "high"), finding("CVE-2024-3", "zlib", "medium")];

  it("matches a CVE id regardless of case, or every finding of a package", () => {
    const judged = judgeFindings(findings, [rule({ cveId: "cve-2024-1" }), rule({ packageName: "zlib", scope: "environment", environment: "prod" })], target, now);
    expect(judged.map((j) => j.acceptedBy?.scope ?? null)).toEqual(["global", "environment", "environment"]);
    expect(countOpen(judged)).toMatchObject({ accepted: 3, fixableCritical: 0, counts: { critical: 0, high: 0, medium: 0 } });
  });

  it("ignores revoked, expired, out-of-scope and unknown-scope exceptions", () => {
    const rules = [
      rule({ cveId: "CVE-2024-1", revokedAt: now }),
      rule({ cveId: "CVE-2024-1", expiresAt: now }),
      rule({ cveId: "CVE-2024-1", scope: "environment", environment: "dev" }),
      rule({ cveId: "CVE-2024-1", scope: "repository", registry: "other-reg", repository: "dev/api" }),
      rule({ cveId: "CVE-2024-1", scope: "planet" }),
    ];
    expect(judgeFindings(findings, rules, target, now).every((j) => j.acceptedBy === null)).toBe(true);
    expect(countOpen(judgeFindings(findings, rules, target, now))).toMatchObject({ accepted: 0, fixable: 1, fixableCritical: 1, counts: { critical: 1, high: 1, medium: 1 } });
  });

  it("prefers the narrowest scope, then the latest expiry", () => {
    const rules = [
      rule({ id: "global", cveId: "CVE-2024-1" }),
      rule({ id: "repo-soon", cveId: "CVE-2024-1", scope: "repository", registry: "reg", repository: "dev/api", expiresAt: new Date("2027-01-05T00:00:00Z") }),
      rule({ id: "repo-late", cveId: "CVE-2024-1", scope: "repository", registry: "reg", repository: "dev/api" }),
    ];
    expect(judgeFindings(findings, rules, target, now)[0]!.acceptedBy?.id).toBe("repo-late");
  });
});
