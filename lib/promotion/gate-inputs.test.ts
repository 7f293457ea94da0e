import { describe, expect, it } from "vitest";
import { gateInputs } from "./gate-inputs";
import { cveDelta } from "./review";

describe("gate inputs, in words", () => {
  it("says nothing without a stored policy", () => {
    expect(gateInputs(null)).toEqual([]);
    expect(gateInputs({})).toEqual([]);
  });

  it("lists the limits the gates were evaluated against", () => {
    const inputs = gateInputs({
      maxFindings: { critical: 0, high: 3 },
      noFixableCritical: true,
      maxScanAgeDays: 1,
      scanSources: ["referrer"],
      signature: { keys: [{ name: "release", publicKey: "-----BEGIN PUBLIC KEY-----…" }], minSignatures: 2 },
      immutableTags: true,
    } as never);
    expect(inputs).toEqual([
      { label: "Findings allowed", value: "critical ≤ 0, high ≤ 3" },
      { label: "Fixable critical findings", value: "none allowed" },
      { label: "Scan age", value: "at most 1 day" },
      { label: "Scan reports counted", value: "reports attached to the image" },
      { label: "Signatures", value: "2 verified signatures by cosign keys release" },
      { label: "Immutable tags", value: "an existing tag may not move" },
    ]);
    expect(JSON.stringify(inputs)).not.toContain("BEGIN PUBLIC KEY");
  });
});

describe("the CVE delta between the promoted artifact and what the target tag holds", () => {
  const scan = (cves: string[]) => ({ counts: { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 }, fixable: 0, scanner: "trivy", scannedAt: null, cves });

  it("tells what comes in, what goes away and what stays", () => {
    expect(cveDelta(scan(["CVE-1", "CVE-2", "CVE-3"]), scan(["CVE-2", "CVE-9"]))).toEqual({ added: ["CVE-1", "CVE-3"], removed: ["CVE-9"], unchanged: 1 });
  });

  it("cannot tell without both scans", () => {
    expect(cveDelta(scan(["CVE-1"]), null)).toBeNull();
    expect(cveDelta(null, scan([]))).toBeNull();
  });
});
