/**
 * The ledger's server actions and REST routes, run for real against the app's embedded runtime:
 * permission checked on the server, field errors returned where a form shows them, config rows
 * read-only through the API too. Only Next's request scope and next-auth's cookie decoding are replaced.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const ids = { devApprover: "", prodApprover: "" };
const tokens = { devApprover: "", prodApprover: "" };

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
function call(route: unknown, url: string, params: object, init: RequestInit = {}): Promise<Response> {
  return (route as Route)(new Request(`${APP}${url}`, init), { params: Promise.resolve(params as never) });
}
const json = (token: string, method: string, body?: object): RequestInit => ({ method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-exc-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  const registry = await prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
  const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev" } });
  const prod = await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod", protected: true } });
  const sys = { actor: null, ip: null };
  ids.devApprover = (await createUser(prisma, sys, { email: "devapprover@x.io", password: "dev approver pw", grants: [{ role: "approver", environmentId: dev.id }, { role: "viewer", environmentId: null }] })).id;
  ids.prodApprover = (await createUser(prisma, sys, { email: "prodapprover@x.io", password: "prod approver pw", grants: [{ role: "approver", environmentId: prod.id }, { role: "viewer", environmentId: null }] })).id;
  tokens.devApprover = (await createApiToken(prisma, sys, ids.devApprover, { name: "ci", scopes: ["read", "approve"], expiresInDays: 30 }, { maxDays: 365 })).token;
  tokens.prodApprover = (await createApiToken(prisma, sys, ids.prodApprover, { name: "ci", scopes: ["read", "approve"], expiresInDays: 30 }, { maxDays: 365 })).token;
}, 180_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("the Accept-this-CVE server action", () => {
  const fields = { cve: "CVE-2024-1234", scope: "environment", environment: "prod", reason: "not reachable in this service", owner: "alice" };

  it("refuses a dev-scoped approver an exception for prod, on the server", async () => {
    const { createExceptionAction } = await import("@/app/(app)/exceptions/actions");
    session.current = { user: { id: ids.devApprover, sessionVersion: 0 } };
    const res = await createExceptionAction(undefined, form({ ...fields, expiresAt: inDays(10) }));
    expect(res).toEqual({ status: "error", message: 'You need the approver role (or higher) in environment prod to accept CVE exceptions.' });
    expect(await prisma.cveException.count()).toBe(0);
  });

  it("answers an expiry beyond the maximum with a field error on expiresAt", async () => {
    const { createExceptionAction } = await import("@/app/(app)/exceptions/actions");
    session.current = { user: { id: ids.prodApprover, sessionVersion: 0 } };
    const res = await createExceptionAction(undefined, form({ ...fields, expiresAt: inDays(120) }));
    expect(res).toEqual({
      status: "error",
      message: "Please correct the highlighted fields.",
      fieldErrors: { expiresAt: ["is more than 90 days away: exceptions may last at most 90 days (exceptions.maxDays)"] },
    });
    const missing = await createExceptionAction(undefined, form({ ...fields, reason: "", expiresAt: inDays(10) }));
    expect(missing).toMatchObject({ status: "error", fieldErrors: { reason: [expect.stringContaining("is required")] } });
    expect(await prisma.cveException.count()).toBe(0);
  });

  it("creates it for a prod approver, audited", async () => {
    const { createExceptionAction } = await import("@/app/(app)/exceptions/actions");
    session.current = { user: { id: ids.prodApprover, sessionVersion: 0 } };
    const res = await createExceptionAction(undefined, form({ ...fields, expiresAt: inDays(10) }));
    expect(res).toEqual({ status: "ok", message: `Accepted CVE-2024-1234 for environment prod until ${inDays(10)} 23:59 UTC.` });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "exception.created" } });
    expect(audit).toMatchObject({ actorEmail: "prodapprover@x.io", sourceIp: "192.0.2.44" });
  });
});

describe("/api/v1/exceptions", () => {
  const list = () => import("@/app/api/v1/exceptions/route").then((m) => m.GET);
  const create = () => import("@/app/api/v1/exceptions/route").then((m) => m.POST);
  const revoke = () => import("@/app/api/v1/exceptions/[id]/route").then((m) => m.DELETE);
  const body = { package: "zlib", scope: "repository", registry: "reg", repository: "dev/api", reason: "only compresses our own data", owner: "bob" };

  it("POST creates (201), GET lists, DELETE revokes; the wrong approver is refused with 403", async () => {
    const refused = await call(await create(), "/api/v1/exceptions", {}, json(tokens.prodApprover, "POST", { ...body, expiresAt: inDays(30) }));
    expect(refused.status).toBe(403);

    const tooLong = await call(await create(), "/api/v1/exceptions", {}, json(tokens.devApprover, "POST", { ...body, expiresAt: inDays(91) }));
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error).toContain("expiresAt: is more than 90 days away");

    const created = await call(await create(), "/api/v1/exceptions", {}, json(tokens.devApprover, "POST", { ...body, expiresAt: inDays(30) }));
    expect(created.status).toBe(201);
    const e = await created.json();
    expect(e).toMatchObject({ package: "zlib", cve: null, scope: "repository", registry: "reg", repository: "dev/api", digest: null, owner: "bob", createdBy: "devapprover@x.io", source: "ui", status: "active" });

    const listed = await (await call(await list(), "/api/v1/exceptions", {}, json(tokens.prodApprover, "GET"))).json();
    expect(listed.exceptions.map((x: { id: string }) => x.id)).toContain(e.id);

    expect((await call(await revoke(), `/api/v1/exceptions/${e.id}`, { id: e.id }, json(tokens.prodApprover, "DELETE"))).status).toBe(403);
    const revoked = await call(await revoke(), `/api/v1/exceptions/${e.id}`, { id: e.id }, json(tokens.devApprover, "DELETE"));
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: e.id, status: "revoked", revokedBy: "devapprover@x.io" });
    const active = await (await call(await list(), "/api/v1/exceptions?status=active", {}, json(tokens.devApprover, "GET"))).json();
    expect(active.exceptions.map((x: { id: string }) => x.id)).not.toContain(e.id);
    expect(await prisma.auditEvent.count({ where: { action: "exception.revoked", targetId: e.id } })).toBe(1);
  });

  it("refuses to revoke an exception from dockmaster.yaml (409)", async () => {
    const row = await prisma.cveException.create({ data: { cveId: "CVE-2024-5555", scope: "environment", environment: "dev", reason: "r", owner: "o", expiresAt: new Date(Date.now() + DAY), createdBy: "dockmaster.yaml", source: "config", configKey: "k" } });
    const res = await call(await revoke(), `/api/v1/exceptions/${row.id}`, { id: row.id }, json(tokens.devApprover, "DELETE"));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("this exception is declared in dockmaster.yaml: remove it there");
  });
});
