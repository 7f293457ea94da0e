/**
 * Exceptions declared in dockmaster.yaml: validated with dockmaster.yaml:LINE errors, mirrored into
 * the ledger as read-only rows (the UI and the API cannot revoke them), removed when the file drops them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";
import type { Principal } from "@/lib/auth/enforce";
import { ConfigError } from "@/lib/config/load";
import { syncConfig } from "@/lib/config/sync";
import { syncExceptionConfig } from "@/lib/exceptions/config-sync";
import { listExceptions, revokeException } from "@/lib/exceptions/service";
import { openTestDatabase, type TestDatabase } from "../support/db";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

const yaml = (exceptions: string) => `registries:
  - { name: reg, kind: oci, url: "https://registry.test" }
environments:
  - { name: dev, order: 1, registry: reg, namespace: dev }
  - { name: prod, order: 2, registry: reg, namespace: prod }
${exceptions}`;

function problems(text: string): string[] {
  try {
    parseAppConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("exceptions in dockmaster.yaml: bad input", () => {
  it("names the line of an expiry beyond maxDays, an unknown scope and a missing reason", () => {
    const text = yaml(`exceptions:
  maxDays: 30
  entries:
    - cve: CVE-2024-1234
      scope: environment
      environment: prod
      reason: not reachable
      owner: alice
      expiresAt: ${inDays(45)}
    - cve: CVE-2024-1235
      scope: planet
      reason: not reachable
      owner: alice
      expiresAt: ${inDays(5)}
    - package: zlib
      scope: global
      owner: alice
      expiresAt: ${inDays(5)}
`);
    expect(problems(text)).toEqual([
      "dockmaster.yaml:16: exceptions.entries[1].scope: must be one of digest, repository, environment, global",
      "dockmaster.yaml:20: exceptions.entries[2].reason: is required: say why this finding is acceptable",
      "dockmaster.yaml:14: exceptions.entries[0].expiresAt: is more than 30 days away: exceptions may last at most 30 days (exceptions.maxDays)",
    ]);
  });

  it("refuses an entry naming both a CVE and a package, a misspelt key, and an unknown environment", () => {
    const text = yaml(`exceptions:
  entries:
    - { cve: CVE-2024-1, package: zlib, scope: global, reason: because, owner: a, expiresAt: ${inDays(5)} }
    - { cve: CVE-2024-2, scope: global, reason: because, owner: a, expires: ${inDays(5)} }
`);
    const found = problems(text);
    expect(found).toContain("dockmaster.yaml:8: exceptions.entries[0].package: give either a CVE id or a package name (one of them)");
    expect(found.some((p) => p.startsWith("dockmaster.yaml:9: exceptions.entries[1]") && p.includes("expires"))).toBe(true);
    // references are checked once the file is otherwise valid
    const unknownEnv = yaml(`exceptions:
  entries:
    - { cve: CVE-2024-3333, scope: environment, environment: staging, reason: because, owner: a, expiresAt: ${inDays(5)} }
`);
    expect(problems(unknownEnv)).toEqual(['dockmaster.yaml:8: exceptions.entries[0].environment: refers to environment "staging", which is not declared under environments']);
  });

  it("takes maxDays 90 and warnDays 7 when the section is absent or silent", () => {
    expect(parseAppConfig(yaml("exceptions: {}\n")).exceptions).toEqual({ maxDays: 90, warnDays: 7, entries: [] });
  });
});

describe("exceptions in dockmaster.yaml: loaded and read-only", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("mirrors the entries as config rows that cannot be revoked, and drops them with the file", async () => {
    const cfg = parseAppConfig(
      yaml(`exceptions:
  entries:
    - { cve: CVE-2024-1234, scope: repository, registry: reg, repository: dev/api, reason: "not reachable", owner: alice, approvedBy: security-team, expiresAt: ${inDays(20)} }
`),
    );
    await syncConfig(db.prisma, cfg);
    await syncExceptionConfig(db.prisma, cfg);
    await syncExceptionConfig(db.prisma, cfg); // idempotent: a restart keeps one row
    const [row, ...rest] = await listExceptions(db.prisma);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ cveId: "CVE-2024-1234", scope: "repository", registry: "reg", repository: "dev/api", digest: null, source: "config", createdBy: "dockmaster.yaml", approvedBy: "security-team", status: "active" });

    const admin: Principal = { id: "admin", email: "admin@x.io", name: null, grants: [{ role: "admin", environment: null }], ip: null };
    await expect(revokeException(db.prisma, admin, row!.id)).rejects.toThrow("this exception is declared in dockmaster.yaml: remove it there");
    expect((await db.prisma.cveException.findUniqueOrThrow({ where: { id: row!.id } })).revokedAt).toBeNull();

    // an exception added in the UI survives a config sync; the file's entry leaves with the file
    await db.prisma.cveException.create({ data: { cveId: "CVE-2024-7", scope: "global", reason: "r", owner: "o", expiresAt: new Date(Date.now() + DAY), createdBy: "admin@x.io" } });
    await syncExceptionConfig(db.prisma, parseAppConfig(yaml("")));
    expect((await listExceptions(db.prisma)).map((e) => [e.cveId, e.source])).toEqual([["CVE-2024-7", "ui"]]);
  });
});
