import { describe, expect, it } from "vitest";
import { chooseScanReport, type FoundScanReports } from "./evidence";
import { buildReport, type ScanReport } from "./model";

const now = new Date("2026-11-30T12:00:00Z");
const report = (source: ScanReport["source"], scannedAt: string | undefined, criticals: number, status: ScanReport["status"] = "complete"): ScanReport =>
  buildReport({
    source,
    scanner: source === "trivy" ? "Trivy 0.74.0" : "Harbor Trivy adapter",
    ...(scannedAt ? { scannedAt } : {}),
    status,
    findings: Array.from({ length: criticals }, (_, i) => ({ id: `CVE-2026-${1000 + i}`, severity: "critical" as const, package: "musl", links: [] })),
  });
const referrer = (digest: string, r: ScanReport, annotatedAt?: string) => ({ referrer: `sha256:${digest.repeat(64)}`, report: r, ...(annotatedAt ? { annotatedAt } : {}) });
const found = (registry: ScanReport | null, ...reports: ReturnType<typeof referrer>[]): FoundScanReports => ({ registry, referrers: { reports, unread: [], truncated: false } });

describe("chooseScanReport: which report may decide a gate", () => {
  it("prefers the registry's own scanner over any referrer, and says why", () => {
    const c = chooseScanReport(found(report("harbor", "2026-11-29T10:00:00Z", 1), referrer("a", report("trivy", "2026-11-30T11:00:00Z", 5))), { now });
    expect(c.origin).toBe("registry");
    expect(c.report?.counts.critical).toBe(1);
    expect(c.evidence.map((e) => [e.origin, e.used, e.why])).toEqual([
      ["registry", true, "used: the registry's own scanner, which sets its own scan time"],
      ["referrer", false, "not used: the registry's own scan report is preferred"],
    ]);
  });

  it("an unfinished registry scan does not count: the referrers decide", () => {
    const c = chooseScanReport(found(report("harbor", undefined, 0, "in_progress"), referrer("a", report("trivy", "2026-11-29T00:00:00Z", 2))), { now });
    expect(c.origin).toBe("referrer");
    expect(c.evidence[0]).toMatchObject({ used: false, why: "the scan is in progress" });
  });

  it("refuses any report dated in the future beyond clock skew, whoever dated it; skew itself is tolerated", () => {
    const c = chooseScanReport(
      found(report("harbor", "2026-11-30T12:30:00Z", 0), referrer("a", report("trivy", "2026-11-30T12:04:00Z", 3)), referrer("b", report("trivy", "2026-11-29T00:00:00Z", 0), "2099-01-01T00:00:00Z")),
      { now },
    );
    expect(c.evidence.map((e) => [e.used, e.why])).toEqual([
      [false, "dated 2026-11-30T12:30:00Z, in the future: the registry's clock is wrong, not believed"],
      [true, "used: the worst of 1 valid referrer report(s)"],
      [false, "dated 2099-01-01T00:00:00Z, in the future: a date its pusher chose, not believed"],
    ]);
  });

  it("the worst valid referrer report decides, not the newest", () => {
    const c = chooseScanReport(found(null, referrer("a", report("trivy", "2026-11-30T11:00:00Z", 0)), referrer("b", report("trivy", "2026-10-01T00:00:00Z", 2)), referrer("c", report("trivy", "2026-11-01T00:00:00Z", 1))), { now });
    expect(c.report?.counts.critical).toBe(2);
    expect(c.evidence.filter((e) => e.used).map((e) => e.referrer)).toEqual([`sha256:${"b".repeat(64)}`]);
  });

  it("scanSources restricts which kinds count: the others are listed, not used", () => {
    const both = found(report("harbor", "2026-11-29T10:00:00Z", 0), referrer("a", report("trivy", "2026-11-29T00:00:00Z", 4)));
    const onlyReferrers = chooseScanReport(both, { now, origins: ["referrer"] });
    expect(onlyReferrers.report?.counts.critical).toBe(4);
    expect(onlyReferrers.evidence[0]).toMatchObject({ origin: "registry", used: false, why: "not counted: gates.scanSources allows only referrer reports" });
    expect(chooseScanReport(found(null, referrer("a", report("trivy", "2026-11-29T00:00:00Z", 4))), { now, origins: ["registry"] }).report).toBeNull();
  });

  it("more referrer reports than are read: no verdict from referrers, since an unread one may be the worst", () => {
    const c = chooseScanReport({ registry: null, referrers: { reports: [referrer("a", report("trivy", "2026-11-29T00:00:00Z", 0))], unread: [{ referrer: "sha256:x", problem: "not read: more than 16 scan reports are attached" }], truncated: true } }, { now });
    expect(c.report).toBeNull();
    expect(c.evidence.map((e) => e.why)).toEqual(["not used: more reports are attached than are read, so the worst cannot be known", "not read: more than 16 scan reports are attached"]);
  });
});
