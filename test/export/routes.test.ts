/**
 * The export routes run in-process against the app's embedded runtime, with API tokens: who may
 * download what is decided on the server. A user without a role gets 403 and no body; a dev-scoped
 * viewer's promotion export holds dev promotions only and its drift export has no prod column;
 * the downloads carry their Content-Disposition; bad input is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => null) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const APP = "http://127.0.0.1:3000";
const D = (c: string) => `sha256:${c.repeat(64)}`;

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const tokens = { nobody: "", devViewer: "", admin: "" };

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
const get = (route: unknown, url: string, token?: string) =>
  (route as Route)(new Request(`${APP}${url}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}), { params: Promise.resolve({} as never) });

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-export-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  const registry = await prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
  const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev" } });
  await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod", protected: true } });
  const sys = { actor: null, ip: null };
  const nobody = await createUser(prisma, sys, { email: "nobody@x.io", password: "nobody password", grants: [] });
  const devViewer = await createUser(prisma, sys, { email: "devviewer@x.io", password: "dev viewer pw", grants: [{ role: "viewer", environmentId: dev.id }] });
  const admin = await createUser(prisma, sys, { email: "admin@x.io", password: "admin password", grants: [{ role: "admin", environmentId: null }] });
  tokens.nobody = (await createApiToken(prisma, sys, nobody.id, { name: "ci", scopes: ["read"], expiresInDays: 30 }, { maxDays: 365 })).token;
  tokens.devViewer = (await createApiToken(prisma, sys, devViewer.id, { name: "ci", scopes: ["read"], expiresInDays: 30 }, { maxDays: 365 })).token;
  tokens.admin = (await createApiToken(prisma, sys, admin.id, { name: "ci", scopes: ["read"], expiresInDays: 30 }, { maxDays: 365 })).token;

  const promotion = (number: number, sourceEnv: string, targetEnv: string, reason: string) => ({
    number, sourceEnv, targetEnv, sourceRepository: `${sourceEnv}/api`, targetRepository: `${targetEnv}/api`, digest: D("a"), targetTag: "1.0", reason,
    requestedById: admin.id, requestedByEmail: "admin@x.io", approvalsRequired: 1, gates: [], gatesPassed: true,
  });
  await prisma.promotion.createMany({ data: [promotion(1, "dev", "dev", "=HYPERLINK(\"http://evil\")"), promotion(2, "dev", "prod", "to prod, with a comma")] });

  const at = new Date("2026-11-30T08:00:00Z");
  const tag = (environment: string, digest: string) => ({ environment, repository: `${environment}/api`, tag: "1.0", digest, since: at, seenAt: at });
  await prisma.inventoryTag.createMany({ data: [tag("dev", D("a")), tag("prod", D("b"))] });
  await prisma.inventorySyncState.createMany({ data: [{ environment: "dev", lastFullAt: at }, { environment: "prod", lastFullAt: at }] });
}, 180_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("export routes", () => {
  it("refuse a caller who is not signed in, and one without the permission", async () => {
    const drift = (await import("@/app/api/v1/exports/drift/route")).GET;
    const findings = (await import("@/app/api/v1/exports/scan-findings/route")).GET;
    expect((await get(drift, "/api/v1/exports/drift")).status).toBe(401);
    const refused = await get(drift, "/api/v1/exports/drift", tokens.nobody);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-disposition")).toBeNull();
    expect((await refused.json()).error).toMatch(/to view replication\.$/);
    const noScan = await get(findings, "/api/v1/exports/scan-findings?registry=reg&repository=dev/api&ref=1.0", tokens.nobody);
    expect(noScan.status).toBe(403);
    expect((await noScan.json()).error).toMatch(/to view scan reports\.$/);
  });

  it("promotions: only those on environments the caller may view, formula cells neutralised", async () => {
    const route = (await import("@/app/api/v1/exports/promotions/route")).GET;
    const dev = await get(route, "/api/v1/exports/promotions?format=csv", tokens.devViewer);
    expect(dev.status).toBe(200);
    expect(dev.headers.get("content-disposition")).toBe(`attachment; filename="promotions.csv"; filename*=UTF-8''promotions.csv`);
    const lines = (await dev.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^number,status,sourceEnvironment,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,requested,dev,dev\/api,/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);

    const all = await get(route, "/api/v1/exports/promotions?format=json", tokens.admin);
    expect(all.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await all.json()) as { number: number; reason: string }[];
    expect(body.map((p) => p.number)).toEqual([2, 1]);
    // JSON holds the text as it is: the quote prefix is for spreadsheets only
    expect(body[1]!.reason).toBe("=HYPERLINK(\"http://evil\")");
    const none = await get(route, "/api/v1/exports/promotions?status=failed", tokens.nobody);
    expect((await none.text()).trim()).toBe(lines[0]);
  });

  it("drift: the whole matrix with a digest column per environment; refused like the page to a role scoped to one environment", async () => {
    const route = (await import("@/app/api/v1/exports/drift/route")).GET;
    const admin = await get(route, "/api/v1/exports/drift?show=all", tokens.admin);
    expect(admin.headers.get("content-disposition")).toContain('filename="drift-all.csv"');
    expect((await admin.text()).split("\r\n").slice(0, 2)).toEqual(["repository,tag,consistent,variants,dev,prod", `api,1.0,false,2,${D("a")},${D("b")}`]);
    const json = await get(route, "/api/v1/exports/drift?show=differs&format=json", tokens.admin);
    expect(await json.json()).toEqual([{ repository: "api", tag: "1.0", consistent: false, variants: 2, dev: D("a"), prod: D("b") }]);
    // replication.view is not granted per environment: the drift page refuses a dev-scoped viewer too
    expect((await get(route, "/api/v1/exports/drift", tokens.devViewer)).status).toBe(403);
  });

  it("bad input is a 400 naming the field", async () => {
    const route = (await import("@/app/api/v1/exports/promotions/route")).GET;
    const res = await get(route, "/api/v1/exports/promotions?format=xlsx", tokens.admin);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/format/);
    const findings = (await import("@/app/api/v1/exports/scan-findings/route")).GET;
    const missing = await get(findings, "/api/v1/exports/scan-findings?registry=reg", tokens.admin);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/repository/);
  });
});
