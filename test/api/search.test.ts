import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// GET /api/v1/search called in-process as Next calls it, with a real API token of a dev-only viewer.
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const APP = "http://127.0.0.1:3000";
const D = "sha256:ab12" + "0".repeat(60);
let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
let devToken = "";

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function search(q: string, token = devToken): Promise<Response> {
  const { GET } = await import("@/app/api/v1/search/route");
  return (GET as unknown as Route)(new Request(`${APP}/api/v1/search?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({} as never) });
}

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-search-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  const { applyObservation } = await import("@/lib/inventory/index/snapshot");
  const registry = await prisma.registry.create({ data: { name: "r", kind: "oci", url: "http://127.0.0.1:1" } });
  const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev" } });
  await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod" } });
  for (const environment of ["dev", "prod"]) {
    await applyObservation(prisma, { environment, repository: "team/api", tags: new Map([["latest", D]]), coverage: "complete" }, { source: "full_sync" });
  }
  // D runs in dev and prod: its vulnerability and its label must still be answered for dev only
  const { storeScan } = await import("@/lib/inventory/index/scans");
  const { buildReport } = await import("@/lib/scan/model");
  const report = buildReport({ source: "trivy", scanner: "Trivy 0.50", status: "complete", findings: [{ id: "CVE-2019-14697", severity: "critical", package: "musl", installedVersion: "1.1.20-r4", fixedVersion: "1.1.20-r5", links: [] }] });
  await storeScan(prisma, D, { registry: "r", origin: "referrer", report });
  await prisma.inventoryLabel.create({ data: { digest: D, key: "org.opencontainers.image.source", value: "https://git.example/payments" } });
  const sys = { actor: null, ip: null };
  const viewer = await createUser(prisma, sys, { email: "viewer@x.io", password: "viewer password", grants: [{ role: "viewer", environmentId: dev.id }] });
  devToken = (await createApiToken(prisma, sys, viewer.id, { name: "ci", scopes: ["read"], expiresInDays: 30 }, { maxDays: 365 })).token;
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("GET /api/v1/search", () => {
  it("answers a dev-only viewer with dev rows only, fields that do not apply omitted", async () => {
    const res = await search("team/api:latest");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [{ kind: "tag", environment: "dev", repository: "team/api", tag: "latest", digest: D, url: "/inventory/tag?environment=dev&repository=team%2Fapi&tag=latest" }],
    });
    const byDigest = (await (await search("ab12")).json()) as { results: { kind: string; environment?: string }[] };
    expect(byDigest.results).toEqual([{ kind: "digest", digest: D, url: `/inventory/digest/${encodeURIComponent(D)}` }]);
    const byRepo = (await (await search("api")).json()) as { results: { environment?: string }[] };
    expect(byRepo.results.map((r) => r.environment)).toEqual(["dev"]);
  });

  it("finds CVE ids (by prefix) and label values as the tags carrying them, for a dev-only viewer in dev only", async () => {
    const tag = { environment: "dev", repository: "team/api", tag: "latest", digest: D };
    expect(await (await search("cve-2019-146")).json()).toEqual({ results: [{ kind: "cve", cve: "CVE-2019-14697", ...tag, url: "/inventory/cve/CVE-2019-14697" }] });
    expect(await (await search("git.example/pay")).json()).toEqual({
      results: [{ kind: "label", ...tag, label: "org.opencontainers.image.source=https://git.example/payments", url: "/inventory/tag?environment=dev&repository=team%2Fapi&tag=latest" }],
    });
  });

  it("refuses an empty query with 400 and an unauthenticated caller with 401", async () => {
    expect((await search("  ")).status).toBe(400);
    expect((await search("api", "dm_nope")).status).toBe(401);
  });
});
