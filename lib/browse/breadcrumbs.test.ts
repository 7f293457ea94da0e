import { describe, expect, it } from "vitest";
import { browseCrumbs, indexCrumbs } from "./breadcrumbs";

describe("browse breadcrumbs", () => {
  it("registry page: the registry is the current crumb", () => {
    expect(browseCrumbs({ registry: "dev reg" })).toEqual([{ label: "Registries", href: "/registries" }, { label: "dev reg" }]);
  });

  it("repository page: one crumb per namespace level, each filtering the registry's list", () => {
    expect(browseCrumbs({ registry: "dev", repository: "team/sub/api" })).toEqual([
      { label: "Registries", href: "/registries" },
      { label: "dev", href: "/registries/dev" },
      { label: "team", href: "/registries/dev?q=team%2F" },
      { label: "sub", href: "/registries/dev?q=team%2Fsub%2F" },
      { label: "api" },
    ]);
  });

  it("platform manifest: registry › namespace › repository › tag › platform", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const crumbs = browseCrumbs({ registry: "dev", repository: "team/api", ref: "1.0", platform: { label: "linux/arm64", digest } });
    expect(crumbs.map((c) => c.label)).toEqual(["Registries", "dev", "team", "api", "1.0", "linux/arm64"]);
    expect(crumbs[4]).toEqual({ label: "1.0", href: "/registries/dev/artifacts/team/api?ref=1.0" });
    expect(crumbs[5]).toEqual({ label: "linux/arm64" });
  });

  it("an artifact opened by digest shows the short digest", () => {
    const crumbs = browseCrumbs({ registry: "dev", repository: "api", ref: `sha256:${"b".repeat(64)}` });
    expect(crumbs.at(-1)).toEqual({ label: `@sha256:${"b".repeat(12)}` });
  });
});

describe("browse breadcrumbs below an artifact", () => {
  it("the scan page links back to the artifact it reports on", () => {
    const crumbs = browseCrumbs({ registry: "dev", repository: "api", ref: "1.0", leaf: "Scan" });
    expect(crumbs.slice(-2)).toEqual([{ label: "1.0", href: "/registries/dev/artifacts/api?ref=1.0" }, { label: "Scan" }]);
  });
});

describe("index breadcrumbs", () => {
  it("Environments › environment › repository › tag, the tag being the page", () => {
    expect(indexCrumbs({ environment: "dev", repository: "dev/api", tag: "1.0" })).toEqual([
      { label: "Environments", href: "/" },
      { label: "dev" },
      { label: "dev/api", href: "/inventory/repository?environment=dev&repository=dev%2Fapi" },
      { label: "1.0" },
    ]);
  });
});
