/**
 * POST /api/v1/retention/plans and GET /api/v1/retention/plans/{id} in-process against a real
 * embedded database, with API tokens as pipelines use them: the contract of issue 14 (201 with id,
 * hash, items, protected), the error contract (400 bad body, 403 for roles that may not plan, 404,
 * 409 for a policy that would empty a repository), and the audit row of each plan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

const APP = "http://127.0.0.1:3000";
const DAY_MS = 86_400_000;
let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const tokens = { admin: "", approver: "", developer: "", viewer: "", prodApprover: "" };
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function post(token: string, body: string) {
  const { POST } = await import("@/app/api/v1/retention/plans/route");
  return (POST as unknown as Route)(new Request(`${APP}/api/v1/retention/plans`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body }), { params: Promise.resolve({} as never) });
}
async function get(token: string, id: string) {
  const { GET } = await import("@/app/api/v1/retention/plans/[id]/route");
  return (GET as unknown as Route)(new Request(`${APP}/api/v1/retention/plans/${id}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id } as never) });
}

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-retention-api-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  const registry = await prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
  const dev = await prisma.environment.create({
    data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev", retention: { rules: [{ repositories: "*", keepLast: 2 }], allowEmpty: false, recentPromotionDays: 7, pinned: [], executeBy: "admin" } },
  });
  const prod = await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod", protected: true } });
  const sys = { actor: null, ip: null };
  const user = async (name: string, role: "admin" | "approver" | "developer" | "viewer", environmentId: string | null) =>
    (await createApiToken(prisma, sys, (await createUser(prisma, sys, { email: `${name}@x.io`, password: `${name} password long`, grants: [{ role, environmentId }] })).id, { name: "ci", scopes: ["read", "approve"], expiresInDays: 30 }, { maxDays: 365 })).token;
  tokens.admin = await user("admin", "admin", null);
  tokens.approver = await user("approver", "approver", dev.id);
  tokens.prodApprover = await user("prodapprover", "approver", prod.id);
  tokens.developer = await user("developer", "developer", null);
  tokens.viewer = await user("viewer", "viewer", null);
  // four tags of dev/api in the index, build-i pushed i days ago, and the same digest as build-3 in prod
  const now = Date.now();
  for (let i = 0; i < 4; i++) {
    await prisma.inventoryManifest.create({ data: { digest: digest(i), mediaType: "application/vnd.oci.image.manifest.v1+json", size: 1000 + i, platforms: [] } });
    await prisma.inventoryTag.create({ data: { environment: "dev", repository: "dev/api", tag: `build-${i}`, digest: digest(i), since: new Date(now - i * DAY_MS), seenAt: new Date(now) } });
  }
  await prisma.inventoryTag.create({ data: { environment: "prod", repository: "prod/api", tag: "1.0", digest: digest(3), since: new Date(now), seenAt: new Date(now) } });
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("/api/v1/retention/plans", () => {
  it("an admin's POST stores the plan and answers 201 {id, hash, items, protected}; GET returns it", async () => {
    const res = await post(tokens.admin, JSON.stringify({ environment: "dev" }));
    expect(res.status).toBe(201);
    const plan = await res.json();
    expect(res.headers.get("location")).toBe(`/api/v1/retention/plans/${plan.id}`);
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    // the item shape of issue 14, plus what it frees with shared layers counted once (fields added, none changed);
    // manifests indexed without a blob list: their full size, said to be an upper bound
    expect(plan.items).toEqual([{ repository: "dev/api", tag: "build-2", digest: digest(2), rule: "rules[0] (*)", bytes: 1002, deletesManifest: true, reclaimed: 1002, reclaimedUpperBound: true }]);
    expect(plan.protected).toEqual([{ repository: "dev/api", tag: "build-3", digest: digest(3), reason: "running in prod" }]);
    expect(plan.bytes).toBe(1002);
    expect(plan.reclaim).toEqual({ bytes: 1002, upperBound: true, deletedWithoutBlobs: 1, keptWithoutBlobs: 3 });
    const again = await get(tokens.admin, plan.id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(plan);
    expect(await prisma.auditEvent.count({ where: { action: "retention.planned", targetId: plan.id, actorEmail: "admin@x.io" } })).toBe(1);
  });

  it("the environment's approver may plan; an approver of another environment, developers and viewers get 403", async () => {
    expect((await post(tokens.approver, JSON.stringify({ environment: "dev" }))).status).toBe(201);
    for (const token of [tokens.prodApprover, tokens.developer, tokens.viewer]) {
      const res = await post(token, JSON.stringify({ environment: "dev" }));
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatch(/in environment dev to compute retention plans\.$/);
    }
    const planned = await (await post(tokens.admin, JSON.stringify({ environment: "dev" }))).json();
    expect((await get(tokens.viewer, planned.id)).status).toBe(403);
  });

  it("bad input is 400 naming the field, an unknown environment or plan 404, a refusing policy 409", async () => {
    const bad = await post(tokens.admin, JSON.stringify({ environment: "Dev!" }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/environment/);
    expect((await post(tokens.admin, JSON.stringify({ environment: "dev", extra: 1 }))).status).toBe(400);
    expect((await post(tokens.admin, JSON.stringify({ environment: "qa" }))).status).toBe(404);
    expect((await get(tokens.admin, "nope")).status).toBe(404);
    await prisma.environment.update({ where: { name: "dev" }, data: { retention: { rules: [{ repositories: "api", keepLast: 0 }] } } });
    const refused = await post(tokens.admin, JSON.stringify({ environment: "dev" }));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/rules\[0\] \(api\) would delete every tag of dev\/api \(4 tags\); add allowEmpty: true/);
  });
});
