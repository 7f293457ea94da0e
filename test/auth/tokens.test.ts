import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// API tokens v2 through the real route handlers and a real (embedded) database: scopes, expiry,
// environment restriction, /metrics, revocation, legacy tokens, last use. Only Next's request scope
// is replaced (as in test/api/security.test.ts).
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const ids = { developer: "", approver: "", admin: "", viewer: "" };
const sys = { actor: null, ip: null };

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function call(route: unknown, url: string, token: string | null, init: RequestInit & { params?: object } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await (route as Route)(new Request(`${APP}${url}`, { ...init, headers }), { params: Promise.resolve((init.params ?? {}) as never) });
  return { status: res.status, res };
}
const errorOf = async (r: { res: Response }) => ((await r.res.json()) as { error: string }).error;

async function token(userId: string, scopes: string[], more: { environments?: string[]; expiresInDays?: number; name?: string } = {}) {
  const { createApiToken } = await import("@/lib/auth/tokens");
  return createApiToken(prisma, sys, userId, { name: more.name ?? scopes.join("+"), scopes, environments: more.environments, expiresInDays: more.expiresInDays ?? 7 }, { maxDays: 365 });
}
const routes = {
  promotions: () => import("@/app/api/v1/promotions/route"),
  repos: () => import("@/app/api/v1/environments/[env]/repositories/route").then((m) => m.GET),
  metrics: () => import("@/app/metrics/route").then((m) => m.GET),
  exportAudit: () => import("@/app/api/v1/audit/export/route").then((m) => m.GET),
};
const promotionBody = JSON.stringify({ sourceEnv: "dev", repository: "team/api", reference: "1.0", targetEnv: "prod", tag: "1.0", reason: "release" });

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-tokens-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const registry = await prisma.registry.create({ data: { name: "reg-down", kind: "oci", url: "http://127.0.0.1:1" } });
  await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "team" } });
  await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod" } });
  const user = async (email: string, role: "viewer" | "developer" | "approver" | "admin") => (await createUser(prisma, sys, { email, password: `${role} password`, grants: [{ role, environmentId: null }] })).id;
  ids.viewer = await user("viewer@x.io", "viewer");
  ids.developer = await user("dev@x.io", "developer");
  ids.approver = await user("approver@x.io", "approver");
  ids.admin = await user("admin@x.io", "admin");
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

beforeEach(() => {
  session.current = null;
});

describe("scopes narrow the owner's roles", () => {
  it("a read token of a developer cannot request a promotion: 403 naming the promote scope", async () => {
    const { token: t } = await token(ids.developer, ["read"]);
    const { POST } = await routes.promotions();
    const r = await call(POST, "/api/v1/promotions", t, { method: "POST", body: promotionBody });
    expect(r.status).toBe(403);
    expect(await errorOf(r)).toContain('lacks the "promote" scope needed for promotion.request');
    const denied = await prisma.auditEvent.findFirst({ where: { action: "permission.denied", actorId: ids.developer }, orderBy: { id: "desc" } });
    expect(denied?.detail).toMatchObject({ attempted: "promotion.request", via: 'API token "read"' });
  });

  it("a scope never widens: a viewer's promote token still cannot request", async () => {
    const { token: t } = await token(ids.viewer, ["read", "promote", "admin"]);
    const { POST } = await routes.promotions();
    const r = await call(POST, "/api/v1/promotions", t, { method: "POST", body: promotionBody });
    expect(r.status).toBe(403);
    expect(await errorOf(r)).toContain("You need the developer role (or higher) in environment prod to request promotions.");
  });

  it("a token restricted to dev reads dev but not prod", async () => {
    const { token: t } = await token(ids.admin, ["read"], { environments: ["dev"] });
    const GET = await routes.repos();
    expect((await call(GET, "/api/v1/environments/dev/repositories", t, { params: { env: "dev" } })).status).toBe(200);
    const prod = await call(GET, "/api/v1/environments/prod/repositories", t, { params: { env: "prod" } });
    expect(prod.status).toBe(403);
    expect(await errorOf(prod)).toContain('restricted to environment(s) dev, not "prod"');
  });

  it("/metrics: a metrics token scrapes, a read token is refused naming the metrics scope, a dev-only metrics token too", async () => {
    const GET = await routes.metrics();
    const scraper = await token(ids.viewer, ["metrics"]);
    const ok = await call(GET, "/metrics", scraper.token);
    expect(ok.status).toBe(200);
    expect(await ok.res.text()).toMatch(/^# HELP /m);
    const reader = await token(ids.viewer, ["read"]);
    const refused = await call(GET, "/metrics", reader.token);
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toContain('lacks the "metrics" scope');
    // probe metrics cover every registry: an environment-restricted token cannot have them
    const devOnly = await token(ids.viewer, ["metrics"], { environments: ["dev"] });
    expect((await call(GET, "/metrics", devOnly.token)).status).toBe(403);
  });

  it("a legacy token (no scopes stored) acts as read+promote: reads, requests, but cannot approve or scrape", async () => {
    const t = await token(ids.approver, ["admin"], { name: "legacy" });
    // what the migration leaves on a token from before scopes: empty scopes, maybe no expiry
    await prisma.apiToken.update({ where: { id: t.id }, data: { scopes: [], expiresAt: null } });
    const { GET, POST } = await routes.promotions();
    expect((await call(GET, "/api/v1/promotions", t.token)).status).toBe(200);
    // past the token check: the promotion itself fails on the unreachable registry, not with a 401/403
    const requested = await call(POST, "/api/v1/promotions", t.token, { method: "POST", body: promotionBody });
    expect([401, 403]).not.toContain(requested.status);
    const verb = await import("@/app/api/v1/promotions/[id]/[verb]/route").then((m) => m.POST);
    const approve = await call(verb, "/api/v1/promotions/x/approve", t.token, { method: "POST", body: "{}", params: { id: "x", verb: "approve" } });
    expect(approve.status).toBe(403);
    expect(await errorOf(approve)).toContain('lacks the "approve" scope');
    expect((await call(await routes.metrics(), "/metrics", t.token)).status).toBe(403);
  });
});

describe("registry events with a token", () => {
  it("an admin's events token delivers; a read token or a developer's events token is refused; an unknown value is tried as the registry secret", async () => {
    const POST = await import("@/app/api/v1/events/[registry]/route").then((m) => m.POST);
    const post = (t: string) => call(POST, "/api/v1/events/reg-down", t, { method: "POST", body: JSON.stringify({ events: [] }), params: { registry: "reg-down" } });
    const delivered = await post((await token(ids.admin, ["events"])).token);
    expect(delivered.status).toBe(202);
    expect(await delivered.res.json()).toEqual({ applied: 0, duplicates: 0, ignored: 0, unmapped: 0 });
    const read = await post((await token(ids.admin, ["read"])).token);
    expect(read.status).toBe(403);
    expect(await errorOf(read)).toContain('lacks the "events" scope needed for events.deliver');
    const developer = await post((await token(ids.developer, ["events"])).token);
    expect(developer.status).toBe(403);
    expect(await errorOf(developer)).toContain("You need the admin role for all environments to deliver registry events.");
    const unknown = await post("dm_not-a-token");
    expect(unknown.status).toBe(401);
    expect(await errorOf(unknown)).toBe("unknown registry or wrong events secret");
  });
});

describe("expiry, revocation, last use", () => {
  it("an expired token gets 401 saying it expired", async () => {
    const t = await token(ids.developer, ["read"], { name: "old" });
    await prisma.apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { GET } = await routes.promotions();
    const r = await call(GET, "/api/v1/promotions", t.token);
    expect(r.status).toBe(401);
    expect(await errorOf(r)).toMatch(/^The API token "old" expired on \d{4}-/);
  });

  it("requires an expiry within auth.tokens.maxDays, known scopes and known environments", async () => {
    const { createApiToken } = await import("@/lib/auth/tokens");
    const make = (input: { scopes?: string[]; expiresInDays?: number; environments?: string[] }) =>
      createApiToken(prisma, sys, ids.developer, { name: "x", scopes: input.scopes ?? ["read"], environments: input.environments, expiresInDays: input.expiresInDays }, { maxDays: 30 });
    await expect(make({ expiresInDays: undefined })).rejects.toThrow(/expiry: choose how many days/);
    await expect(make({ expiresInDays: 31 })).rejects.toThrow("expiry: at most 30 days (auth.tokens.maxDays in dockmaster.yaml)");
    await expect(make({ expiresInDays: 5, scopes: ["write"] })).rejects.toThrow("scopes: unknown write");
    await expect(make({ expiresInDays: 5, scopes: [] })).rejects.toThrow(/scopes: choose at least one/);
    await expect(make({ expiresInDays: 5, environments: ["staging"] })).rejects.toThrow("environments: no environment named staging");
    const ok = await make({ expiresInDays: 30 });
    expect(ok.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it("the owner revokes (then 401), another user cannot, an admin can revoke anyone's; both audited", async () => {
    const { revokeApiToken } = await import("@/lib/auth/tokens");
    const { GET } = await routes.promotions();
    const mine = await token(ids.developer, ["read"], { name: "mine" });
    await expect(revokeApiToken(prisma, sys, mine.id, { userId: ids.approver, mayRevokeAny: false })).rejects.toThrow("no such token");
    await revokeApiToken(prisma, { actor: { id: ids.developer, email: "dev@x.io" }, ip: null }, mine.id, { userId: ids.developer, mayRevokeAny: false });
    const r = await call(GET, "/api/v1/promotions", mine.token);
    expect(r.status).toBe(401);
    expect(await errorOf(r)).toContain('The API token "mine" was revoked');
    const other = await token(ids.developer, ["read"], { name: "leaked" });
    await revokeApiToken(prisma, { actor: { id: ids.admin, email: "admin@x.io" }, ip: null }, other.id, { userId: ids.admin, mayRevokeAny: true });
    expect((await call(GET, "/api/v1/promotions", other.token)).status).toBe(401);
    const rows = await prisma.auditEvent.findMany({ where: { action: "token.revoke", targetId: { in: [mine.id, other.id] } }, orderBy: { id: "asc" } });
    expect(rows.map((x) => [x.actorEmail, (x.detail as { byAdmin: boolean }).byAdmin])).toEqual([
      ["dev@x.io", false],
      ["admin@x.io", true],
    ]);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: other.id } })).revokedById).toBe(ids.admin);
  });

  it("records the last use (time and address) at most once a minute", async () => {
    const t = await token(ids.developer, ["read"], { name: "busy" });
    const { GET } = await routes.promotions();
    await call(GET, "/api/v1/promotions", t.token);
    const first = await prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } });
    expect(first.lastUsedFrom).toBe("198.51.100.7");
    await call(GET, "/api/v1/promotions", t.token);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt).toEqual(first.lastUsedAt);
    // a minute later the next call writes again
    await prisma.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date(Date.now() - 61_000) } });
    await call(GET, "/api/v1/promotions", t.token);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt!.getTime()).toBeGreaterThan(first.lastUsedAt!.getTime());
  });
});

describe("audit export permission", () => {
  it("approvers export (audited, with the filter), developers are refused, a token needs read", async () => {
    const GET = await routes.exportAudit();
    session.current = { user: { id: ids.developer, sessionVersion: 0 } };
    expect((await call(GET, "/api/v1/audit/export?format=csv", null)).status).toBe(403);
    session.current = { user: { id: ids.approver, sessionVersion: 0 } };
    const ok = await call(GET, "/api/v1/audit/export?format=ndjson&action=token.", null);
    expect(ok.status).toBe(200);
    expect(ok.res.headers.get("content-disposition")).toMatch(/^attachment; filename="dockmaster-audit-.*\.jsonl"$/);
    const lines = (await ok.res.text()).trim().split("\n").map((l) => JSON.parse(l) as { action: string });
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.every((l) => l.action.startsWith("token."))).toBe(true);
    const audited = await prisma.auditEvent.findFirst({ where: { action: "audit.export" }, orderBy: { id: "desc" } });
    expect(audited).toMatchObject({ actorEmail: "approver@x.io", detail: { format: "ndjson", filter: { action: "token." } } });
    expect((await call(GET, "/api/v1/audit/export?format=xml", null)).status).toBe(400);
    session.current = null;
    const metricsOnly = await token(ids.approver, ["metrics"]);
    expect((await call(GET, "/api/v1/audit/export", metricsOnly.token)).status).toBe(403);
  });
});
