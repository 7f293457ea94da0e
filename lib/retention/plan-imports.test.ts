/**
 * The dry run deletes nothing by construction: everything planning runs (plan*.ts and the service
 * that the UI, the REST API and the schedule call) reaches, import by import, no registry client
 * and no execution code, so no delete call exists on its path. Checked on the source, transitively.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importClosure } from "../../test/support/import-closure";

const root = path.resolve(import.meta.dirname, "../..");
const closure = (entry: string) => importClosure(root, entry);

const rel = (f: string) => path.relative(root, f);

describe("planning cannot delete", () => {
  const entries = ["lib/retention/plan.ts", "lib/retention/plan-load.ts", "lib/retention/plan-store.ts", "lib/retention/service.ts", "lib/retention/schedule.ts"];
  for (const entry of entries) {
    it(`${entry} reaches no registry client and no execution code`, () => {
      const files = [...closure(path.join(root, entry))].map(rel);
      expect(files.length).toBeGreaterThan(1);
      // the one file of lib/registry allowed: the namespace string rules (no I/O, no imports)
      expect(files.filter((f) => (f.startsWith("lib/registry/") && f !== "lib/registry/namespace.ts") || /^lib\/retention\/execute/.test(f))).toEqual([]);
      // and no file on the path mentions a delete of a manifest, tag or image
      const deleting = files.filter((f) => !f.startsWith("lib/db/generated/")).filter((f) => /deleteManifest|deleteTag|BatchDeleteImage|method:\s*["']DELETE["']/.test(readFileSync(path.join(root, f), "utf8")));
      expect(deleting).toEqual([]);
    });
  }

  it("the namespace rules planning uses import nothing", () => {
    expect([...closure(path.join(root, "lib/registry/namespace.ts"))].map(rel)).toEqual(["lib/registry/namespace.ts"]);
  });

  it("the check itself sees registry imports where they exist", () => {
    expect([...closure(path.join(root, "lib/inventory/index/sync.ts"))].map(rel).some((f) => f.startsWith("lib/registry/"))).toBe(true);
  });
});
