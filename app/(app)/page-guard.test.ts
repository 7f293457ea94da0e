/**
 * Every page of the signed-in app passes the one page guard (lib/auth/page.ts authorizePage, which
 * openRegistryForPage and authorizeScanPage go through for registry and scan pages): no page reads the session on its own, so
 * sign-in, refusal and its audit entry work the same everywhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname);

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return pages(full);
    return e.name === "page.tsx" ? [full] : [];
  });
}

describe("the page guard", () => {
  const files = pages(root);

  it("finds the app's pages", () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it.each(files.map((f) => [path.relative(root, f), f]))("%s goes through it", (_name, file) => {
    const source = readFileSync(file, "utf8");
    expect(source).toMatch(/\b(authorizePage|openRegistryForPage|authorizeScanPage)\(/);
    expect(source).not.toMatch(/\bcurrentPrincipal\(/);
  });

  it("openRegistryForPage is the guard plus the registry's namespaces, not a second guard", () => {
    const source = readFileSync(path.join(root, "../../lib/browse/page-access.ts"), "utf8");
    expect(source).toMatch(/\bauthorizePage\(/);
    expect(source).not.toMatch(/\b(currentPrincipal|enforce|requirePermission)\(/);
  });
});
