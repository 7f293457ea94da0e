import { describe, expect, it } from "vitest";
import type { RegistryProvider } from "@/lib/registry";
import { configSchema } from "@/lib/config/schema";
import { evaluateGates, type ScanLookup } from "./gates";

const now = new Date("2026-11-30T12:00:00Z");
const scanDated = (scannedAt: string): ScanLookup => async () => ({
  summary: { critical: 0, high: 0, medium: 0, fixableCritical: 0, scannedAt, scanner: "Harbor", origin: "registry" },
  evidence: [],
});
const provider = { host: "registry.test" } as RegistryProvider;
const gates = (scans: ScanLookup) =>
  evaluateGates({
    policy: { maxScanAgeDays: 7 },
    source: { provider, repository: "dev/api", digest: `sha256:${"a".repeat(64)}` },
    target: { provider, repository: "prod/api", tag: "1.0", environment: "prod" },
    currentTargetDigest: null,
    scans,
    now,
  });

describe("the scan-age gate", () => {
  it("fails a scan dated in the future: a negative age proves nothing about freshness", async () => {
    const age = (await gates(scanDated("2099-01-01T00:00:00Z"))).find((g) => g.id === "scan-age");
    expect(age).toMatchObject({ status: "fail", detail: "the scan report is dated 2099-01-01T00:00:00Z, in the future" });
  });

  it("tolerates a few minutes of clock skew and passes a fresh scan", async () => {
    expect((await gates(scanDated("2026-11-30T12:03:00Z"))).find((g) => g.id === "scan-age")).toMatchObject({ status: "pass", detail: "scanned 2026-11-30T12:03:00Z (0.0 days ago)" });
    expect((await gates(scanDated("2026-11-25T12:00:00Z"))).find((g) => g.id === "scan-age")).toMatchObject({ status: "pass" });
    expect((await gates(scanDated("2026-11-20T12:00:00Z"))).find((g) => g.id === "scan-age")).toMatchObject({ status: "fail" });
  });
});

describe("gates.scanSources in the configuration", () => {
  const config = (scanSources: unknown) => ({
    registries: [{ name: "r", kind: "oci", url: "https://registry.test" }],
    environments: [{ name: "prod", order: 1, registry: "r", gates: { maxFindings: { critical: 0 }, scanSources } }],
  });
  it("accepts registry and referrer, nothing else, and not an empty list", () => {
    expect(configSchema.parse(config(["registry"])).environments[0]!.gates!.scanSources).toEqual(["registry"]);
    expect(configSchema.safeParse(config(["registry", "referrer"])).success).toBe(true);
    expect(configSchema.safeParse(config(["signature"])).success).toBe(false);
    expect(configSchema.safeParse(config([])).success).toBe(false);
  });
});
