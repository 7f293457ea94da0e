import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { navigationFor, navigationSections } from "./navigation";

const labels = (grants: Parameters<typeof navigationFor>[0]) => navigationFor(grants).map((s) => s.label);

describe("navigationFor", () => {
  it("shows an administrator every section", () => {
    expect(labels([{ role: "admin", environment: null }])).toEqual(["Environments", "Registries", "Promotions", "Scans", "Exceptions", "Retention", "Replication", "Probes", "Audit", "Settings"]);
  });

  it("hides from a global viewer what only approvers and administrators open", () => {
    expect(labels([{ role: "viewer", environment: null }])).toEqual(["Environments", "Registries", "Promotions", "Scans", "Exceptions", "Replication", "Probes"]);
    expect(labels([{ role: "approver", environment: null }])).toContain("Audit");
  });

  it("leaves an environment-scoped approver the sections that filter per environment, and their audit trail", () => {
    // registry.view, scan.view, replication.view and probe.view are global actions: a prod-only grant cannot open those pages
    expect(labels([{ role: "approver", environment: "prod" }])).toEqual(["Environments", "Promotions", "Retention"]);
  });

  it("asks for the same permission the section's page checks", () => {
    // the page guard of each section, read from its page.tsx, so the two cannot drift apart
    const pageGuard = (href: string) => {
      const file = path.join(process.cwd(), "app/(app)", href === "/" ? "" : href, "page.tsx");
      return /authorizePage\((?:"([a-z.]+)")?/.exec(readFileSync(file, "utf8"))?.[1];
    };
    for (const s of navigationSections) expect({ href: s.href, requires: pageGuard(s.href) }).toEqual({ href: s.href, requires: s.requires });
  });
});
