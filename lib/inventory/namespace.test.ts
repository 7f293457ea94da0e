import { describe, expect, it } from "vitest";
import { environmentOf, inNamespace, joinNamespace, mapRepository, namespaceWithin, relativeName, topNamespace } from "./namespace";

describe("environment namespaces", () => {
  it("join a namespace and a relative name, at the root too", () => {
    expect(joinNamespace("prod", "app")).toBe("prod/app");
    expect(joinNamespace("prod/", "app")).toBe("prod/app");
    expect(joinNamespace("team/prod", "svc/api")).toBe("team/prod/svc/api");
    expect(joinNamespace("", "app")).toBe("app");
    expect(joinNamespace(undefined, "app")).toBe("app");
  });

  it("tell whether a repository belongs to a namespace, by whole segments", () => {
    expect(inNamespace("prod/app", "prod")).toBe(true);
    expect(inNamespace("prod/app", "prod/")).toBe(true);
    expect(inNamespace("production/app", "prod")).toBe(false);
    expect(inNamespace("prod", "prod")).toBe(false); // a repository named like the namespace is not inside it
    expect(inNamespace("anything/at/all", "")).toBe(true);
    expect(inNamespace("x", undefined)).toBe(true);
  });

  it("give the name relative to a namespace, null outside it", () => {
    expect(relativeName("prod/app", "prod")).toBe("app");
    expect(relativeName("prod/team/app", "prod/")).toBe("team/app");
    expect(relativeName("dev/app", "prod")).toBeNull();
    expect(relativeName("production/app", "prod")).toBeNull();
    expect(relativeName("app", "")).toBe("app");
  });

  it("map a repository from one environment's namespace to another's", () => {
    expect(mapRepository("dev/app", "dev", "prod")).toBe("prod/app");
    expect(mapRepository("dev/app", "dev", "")).toBe("app");
    expect(mapRepository("app", "", "prod/")).toBe("prod/app");
    expect(mapRepository("other/app", "dev", "prod")).toBeNull();
  });

  it("see registry-level namespaces (Harbor projects, Hub accounts) that are or lie under a namespace", () => {
    expect(namespaceWithin("prod", "prod")).toBe(true);
    expect(namespaceWithin("prod", "prod/")).toBe(true);
    expect(namespaceWithin("prod/sub", "prod")).toBe(true);
    expect(namespaceWithin("production", "prod")).toBe(false);
    expect(namespaceWithin("acme", "acme/prod")).toBe(false);
    expect(namespaceWithin("anything", "")).toBe(true);
  });

  it("find the environment holding a repository, the most specific namespace first", () => {
    const envs = [
      { name: "all", namespace: "" },
      { name: "prod", namespace: "prod" },
      { name: "prod-eu", namespace: "prod/eu/" },
    ];
    expect(environmentOf("prod/eu/app", envs)?.name).toBe("prod-eu");
    expect(environmentOf("prod/app", envs)?.name).toBe("prod");
    expect(environmentOf("dev/app", envs)?.name).toBe("all");
    expect(environmentOf("dev/app", envs.slice(1))).toBeUndefined();
  });

  it("name the top-level account or project of a namespace", () => {
    expect(topNamespace("acme/prod")).toBe("acme");
    expect(topNamespace("acme/")).toBe("acme");
    expect(topNamespace("")).toBe("");
  });
});
