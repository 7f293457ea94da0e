import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

function resolve(root: string, from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate;
  return null;
}

/**
 * Every file of ours `entry` reaches, import by import (static, dynamic and re-exports), from the
 * source: what a module can call, whatever the bundler does. The generated Prisma client is a leaf.
 */
export function importClosure(root: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.includes(`${path.sep}lib${path.sep}db${path.sep}generated${path.sep}`)) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const next = resolve(root, file, (m[1] ?? m[2])!);
      if (next) stack.push(next);
    }
  }
  return seen;
}
