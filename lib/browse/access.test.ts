import { describe, expect, it } from "vitest";
import { projectVisible, repositoryVisible, visibleNamespaces } from "./access";

const envs = [
  { name: "dev", namespace: "dev" },
  { name: "prod", namespace: "prod" },
];

describe("who may browse which part of a registry", () => {
  it("a global viewer sees everything", () => {
    expect(visibleNamespaces([{ role: "viewer", environment: null }], envs)).toBeNull();
    expect(repositoryVisible("anything/at/all", null)).toBe(true);
  });

  it("a role scoped to prod sees only prod's namespace", () => {
    const ns = visibleNamespaces([{ role: "approver", environment: "prod" }], envs);
    expect(ns).toEqual(["prod"]);
    expect(repositoryVisible("prod/app", ns as string[])).toBe(true);
    expect(repositoryVisible("dev/app", ns as string[])).toBe(false);
    expect(repositoryVisible("production/app", ns as string[])).toBe(false);
  });

  it("a role on an environment of another registry sees nothing here", () => {
    expect(visibleNamespaces([{ role: "admin", environment: "staging" }], envs)).toBe(false);
    expect(visibleNamespaces([], envs)).toBe(false);
  });
});

describe("which registry projects the registry page lists", () => {
  it("everything for a caller with registry-wide access", () => {
    expect(projectVisible("team", null)).toBe(true);
  });

  it("everything for an environment at the registry root", () => {
    expect(projectVisible("team", [""])).toBe(true);
    expect(projectVisible("other", ["prod", ""])).toBe(true);
  });

  it("the project that is an environment's namespace, or lies under it", () => {
    expect(projectVisible("prod", ["prod"])).toBe(true);
    expect(projectVisible("prod/sub", ["prod"])).toBe(true);
    expect(projectVisible("prod/sub", ["prod/"])).toBe(true);
    expect(projectVisible("production", ["prod"])).toBe(false);
    expect(projectVisible("dev", ["prod"])).toBe(false);
    expect(projectVisible("acme", ["acme/prod"])).toBe(false);
  });

  it("nothing for a caller without namespaces", () => {
    expect(projectVisible("prod", [])).toBe(false);
  });
});

describe("namespaces written with a trailing slash", () => {
  it("are the same namespace for projects as without one", () => {
    expect(projectVisible("prod", ["prod/"])).toBe(true);
  });
});
