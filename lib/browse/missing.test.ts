import { describe, expect, it } from "vitest";
import { artifactAddress, missingReferenceMessage } from "./missing";

describe("a missing tag or digest, in the page's words", () => {
  it("names the tag and the repository", () => {
    expect(missingReferenceMessage("team/api", "9.9")).toBe("tag 9.9 does not exist in team/api");
  });

  it("names a digest as a digest", () => {
    const d = `sha256:${"c".repeat(64)}`;
    expect(missingReferenceMessage("team/api", d)).toBe(`digest ${d} does not exist in team/api`);
  });

  it("reads the repository and reference from an artifact address and a scan address", () => {
    expect(artifactAddress("/registries/dev-reg/artifacts/team/api", "9.9")).toEqual({ registry: "dev-reg", repository: "team/api", ref: "9.9" });
    expect(artifactAddress("/scans/artifact/dev-reg/team/sub/api", null)).toEqual({ registry: "dev-reg", repository: "team/sub/api", ref: "latest" });
    expect(artifactAddress("/registries/dev%2Dreg/artifacts/team%2Fapi", "1")).toEqual({ registry: "dev-reg", repository: "team/api", ref: "1" });
    expect(artifactAddress("/registries/dev-reg", "1")).toBeNull();
  });
});
