/**
 * The layering stated in ./namespace.ts, checked on the source: no upward import, and namespace
 * joins written only in the one home of namespace rules.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith("lib/db/generated/"));
}

/** Every module a file imports, as a path from the repository root ("lib/promotion/recover"). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith("@/")) return spec.slice(2);
    if (spec.startsWith(".")) return path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec));
    return spec;
  });
}

function violations(from: string, forbidden: string[]): string[] {
  return sources(from).flatMap((f) => importsOf(f).filter((i) => forbidden.some((x) => i === x || i.startsWith(`${x}/`))).map((i) => `${f} imports ${i}`));
}

describe("layering", () => {
  it("lib/config imports no feature above it", () => {
    expect(violations("lib/config", ["lib/probe", "lib/promotion", "lib/browse", "lib/inventory", "lib/runtime"])).toEqual([]);
  });

  it("lib/inventory imports neither browsing nor features", () => {
    expect(violations("lib/inventory", ["lib/browse", "lib/probe", "lib/promotion", "lib/runtime"])).toEqual([]);
  });

  it("lib/browse imports no feature", () => {
    expect(violations("lib/browse", ["lib/promotion", "lib/probe"])).toEqual([]);
  });

  it("probes and promotions do not import each other", () => {
    expect([...violations("lib/probe", ["lib/promotion"]), ...violations("lib/promotion", ["lib/probe"])]).toEqual([]);
  });

  // lib/errors.ts is the one exception: a leaf with no imports of its own, holding the error classes
  // every layer throws (one InvalidInputError for the whole app, so the error contract sees one class).
  it("lib/registry imports nothing outside itself but lib/errors", () => {
    expect(importsOf("lib/errors.ts").filter((i) => i.startsWith("lib/"))).toEqual([]);
    const outside = sources("lib/registry").flatMap((f) => importsOf(f).filter((i) => i.startsWith("lib/") && !i.startsWith("lib/registry") && i !== "lib/errors").map((i) => `${f} imports ${i}`));
    expect(outside).toEqual([]);
  });

  it("namespace joins are written only in lib/registry/namespace.ts", () => {
    const join = /\$\{[^}]*\b(namespace|ns)\b[^}]*\}\/|namespace\.replace\(/;
    const found = [...sources("lib"), ...sources("app"), ...sources("components")]
      .filter((f) => f !== "lib/registry/namespace.ts")
      .flatMap((f) => readFileSync(path.join(root, f), "utf8").split("\n").map((line, i) => ({ f, line, i })))
      // paths of vendor APIs (/v2/namespaces/${ns}/…) are URLs, not repository names
      .filter(({ line }) => join.test(line) && !/`\/v2\/(namespaces|repositories)\//.test(line))
      .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
    expect(found).toEqual([]);
  });
});
