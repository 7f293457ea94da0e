/**
 * The dry run deletes nothing by construction: everything planning runs (plan*.ts and the service
 * that the UI, the REST API and the schedule call) reaches, import by import, no registry client
 * and no execution code, so no delete call exists on its path. Checked on the source, transitively.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null; // a package: the registry clients are ours, in lib/registry
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  return null;
}

/** Every file of ours the entry reaches; the generated Prisma client is a leaf. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.includes(`${path.sep}lib${path.sep}db${path.sep}generated${path.sep}`)) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const next = resolve(file, (m[1] ?? m[2])!);
      if (next) stack.push(next);
    }
  }
  return seen;
}

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
