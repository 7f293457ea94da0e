import { createHash } from "node:crypto";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// POST /api/v1/retention/plans/{id}/execute and POST /api/v1/registries/{name}/gc run for real against a
// real database and a real docker-registry, called as Next calls them; only the session cookie's
// decoding is replaced (as in security.test.ts). The execution itself runs in the background (the
// in-process queue on the embedded database), and the test waits for it.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
let dir: string;
let registry: RunningRegistry;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const users = { admin: "", approver: "", developer: "", viewer: "" };
let imageDigest = "";

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
const as = (id: string) => (session.current = { user: { id, sessionVersion: 0 } });
const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json", origin: APP }, body: JSON.stringify(body) });
async function execute(id: string, body: unknown) {
  const { POST } = await import("@/app/api/v1/retention/plans/[id]/execute/route");
  return (POST as unknown as Route)(new Request(`${APP}/api/v1/retention/plans/${id}/execute`, json(body)), { params: Promise.resolve({ id } as never) });
}
async function gc(name: string) {
  const { POST } = await import("@/app/api/v1/registries/[name]/gc/route");
  return (POST as unknown as Route)(new Request(`${APP}/api/v1/registries/${name}/gc`, json({})), { params: Promise.resolve({ name } as never) });
}
async function drained() {
  const { retentionQueue } = await import("@/lib/retention/execute-queue");
  const { executionDeps } = await import("@/lib/retention/default-deps");
  await retentionQueue(executionDeps).drained();
}

async function plan(tag: string, digest: string) {
  const items = [{ repository: "dev/api", tag, digest, rule: "rules[0] (*)", bytes: 100, deletesManifest: true }];
  const hash = createHash("sha256").update(JSON.stringify(items)).digest("hex");
  return prisma.retentionPlan.create({ data: { environment: "dev", hash, items, protected: [], createdByEmail: "planner@x.io" } });
}

beforeAll(async () => {
  registry = await startRegistry({ deleteEnabled: true });
  ({ dir, prisma } = await openEmbeddedRuntime("dm-retention-exec-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createOciProvider } = await import("@/lib/registry/oci/provider");
  const seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
  imageDigest = await pushImage(seeder, "dev/api", buildImage({ layerCount: 1 }), "old");
  await seeder.close();
  const reg = await prisma.registry.create({ data: { name: "local", kind: "oci", url: registry.url } });
  const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
  const sys = { actor: null, ip: null };
  users.admin = (await createUser(prisma, sys, { email: "admin@x.io", password: "admin password", grants: [{ role: "admin", environmentId: null }] })).id;
  users.approver = (await createUser(prisma, sys, { email: "approver@x.io", password: "approver password", grants: [{ role: "approver", environmentId: dev.id }] })).id;
  users.developer = (await createUser(prisma, sys, { email: "dev@x.io", password: "developer password", grants: [{ role: "developer", environmentId: null }] })).id;
  users.viewer = (await createUser(prisma, sys, { email: "viewer@x.io", password: "viewer password", grants: [{ role: "viewer", environmentId: null }] })).id;
}, 240_000);

afterAll(async () => {
  await drained();
  await closeEmbeddedRuntime(dir);
  await registry?.stop();
});

beforeEach(() => {
  session.current = null;
});

describe("POST /api/v1/retention/plans/{id}/execute", () => {
  it("refuses viewers, developers and (without executeBy: approver) approvers with 403, anonymous with 401; the plan stays planned", async () => {
    const p = await plan("old", imageDigest);
    for (const who of [users.viewer, users.developer, users.approver]) {
      as(who);
      const res = await execute(p.id, { hash: p.hash });
      expect(res.status).toBe(403);
      expect((await res.json()).error).toContain("You need the admin role in environment dev to execute retention plans.");
    }
    session.current = null;
    expect((await execute(p.id, { hash: p.hash })).status).toBe(401);
    expect((await prisma.retentionPlan.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("planned");
  });

  it("404 for an unknown plan, 400 for a malformed hash, 409 for another plan's hash", async () => {
    as(users.admin);
    expect((await execute("nope", { hash: "a".repeat(64) })).status).toBe(404);
    const bad = await execute("nope", { hash: "abc" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("64 hex digits");
    const p = await plan("old", imageDigest);
    const wrong = await execute(p.id, { hash: "b".repeat(64) });
    expect(wrong.status).toBe(409);
    expect((await wrong.json()).error).toContain(p.hash.slice(0, 12));
  });

  it("202 for an admin quoting the hash: the job deletes the tag; a second execute is 409", async () => {
    as(users.admin);
    const p = await plan("old", imageDigest);
    const res = await execute(p.id, { hash: p.hash });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id: p.id, status: "executing", items: 1 });
    await drained();
    const done = await prisma.retentionPlan.findUniqueOrThrow({ where: { id: p.id } });
    expect(done.status).toBe("executed");
    const tags = await fetch(`${registry.url}/v2/dev/api/tags/list`).then((r) => r.json() as Promise<{ tags: string[] | null }>);
    expect(tags.tags ?? []).not.toContain("old");
    expect((await execute(p.id, { hash: p.hash })).status).toBe(409);
    expect(await prisma.auditEvent.count({ where: { action: "retention.execute.start", targetId: p.id, actorEmail: "admin@x.io" } })).toBe(1);
  });
});

describe("POST /api/v1/registries/{name}/gc", () => {
  it("is admin-only, and says a plain Distribution registry has no GC to start (its GC is offline)", async () => {
    as(users.approver);
    expect((await gc("local")).status).toBe(403);
    as(users.admin);
    const res = await gc("local");
    expect(res.status).toBe(409);
    expect((await res.json()).error).toContain("registry garbage-collect");
    expect((await gc("absent")).status).toBe(404);
  });

  it("a registry with a GC API (stubbed here; Harbor's is tested against its simulator) is started and audited, success and failure alike", async () => {
    const { triggerRegistryGc } = await import("@/lib/retention/gc");
    const { RegistryError } = await import("@/lib/registry/errors");
    const { currentPrincipal } = await import("@/lib/auth/session");
    as(users.admin);
    const principal = await currentPrincipal();
    const harborLike = (fail: boolean) => async () => ({ triggerGarbageCollection: async () => { if (fail) throw new RegistryError({ kind: "bad_response", status: 409, message: "registry h denied: a garbage collection is already running" }); return { id: "7" }; } }) as never;
    expect(await triggerRegistryGc(prisma, principal, "h", harborLike(false))).toEqual({ registry: "h", id: "7" });
    await expect(triggerRegistryGc(prisma, principal, "h", harborLike(true))).rejects.toThrow(/already running/);
    const rows = await prisma.auditEvent.findMany({ where: { action: "registry.gc", targetId: "h" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.outcome, r.actorEmail])).toEqual([["success", "admin@x.io"], ["failure", "admin@x.io"]]);
    expect(rows[1]!.detail).toMatchObject({ error: expect.stringContaining("already running") });
  });
});

describe("the confirm form and its server action", () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it("renders the hash prefix to type, and carries the full hash", async () => {
    const { ExecutePlanForm } = await import("@/components/retention/execute-plan-form");
    const hash = "0123456789abcdef".repeat(4);
    const html = renderToStaticMarkup(createElement(ExecutePlanForm, { action: async () => ({ status: "idle" as const }), planId: "p1", hash, items: 3, environment: "dev" }));
    expect(html).toContain("Type 0123456789ab (the start of the plan&#x27;s hash) to confirm");
    expect(html).toContain(`name="hash" value="${hash}"`);
    expect(html).toContain("Delete 3 items in dev");
  });

  it("refuses a wrong confirmation on the field, and starts the plan with the right one", async () => {
    const { executePlanAction } = await import("@/app/(app)/retention/execute-actions");
    as(users.admin);
    const p = await plan("old", imageDigest);
    const wrong = await executePlanAction(undefined, form({ id: p.id, hash: p.hash, confirm: "deadbeef0000" }));
    expect(wrong).toMatchObject({ status: "error", fieldErrors: { confirm: [expect.stringContaining("first 12 characters")] } });
    expect((await prisma.retentionPlan.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("planned");
    as(users.developer);
    expect(await executePlanAction(undefined, form({ id: p.id, hash: p.hash, confirm: p.hash.slice(0, 12) }))).toMatchObject({ status: "error", message: expect.stringContaining("to execute retention plans") });
    as(users.admin);
    const ok = await executePlanAction(undefined, form({ id: p.id, hash: p.hash, confirm: p.hash.slice(0, 12).toUpperCase() }));
    expect(ok).toMatchObject({ status: "ok", message: expect.stringContaining("Executing 1 planned deletion;") });
    await drained();
    expect((await prisma.retentionPlan.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("executed");
  });
});
