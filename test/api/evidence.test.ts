import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// The evidence download runs for real against a real database, called as Next calls it; only the
// session cookie's decoding is replaced (as in security.test.ts).
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));

const APP = "http://127.0.0.1:3000";
let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const users = { prodViewer: "", devOnly: "" };
let number = 0;

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function download(id: string) {
  const { GET } = await import("@/app/api/v1/promotions/[id]/evidence/route");
  return (GET as unknown as Route)(new Request(`${APP}/api/v1/promotions/${id}/evidence`), { params: Promise.resolve({ id } as never) });
}
const as = (id: string) => (session.current = { user: { id, sessionVersion: 0 } });

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-evidence-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const registry = await prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
  const dev = await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev" } });
  const prod = await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod", protected: true } });
  const sys = { actor: null, ip: null };
  users.prodViewer = (await createUser(prisma, sys, { email: "viewer@x.io", password: "viewer password", grants: [{ role: "viewer", environmentId: prod.id }] })).id;
  users.devOnly = (await createUser(prisma, sys, { email: "devonly@x.io", password: "devonly password", grants: [{ role: "developer", environmentId: dev.id }] })).id;
  const p = await prisma.promotion.create({
    data: {
      sourceEnv: "dev", targetEnv: "prod", sourceRepository: "dev/api", targetRepository: "prod/api", digest: `sha256:${"a".repeat(64)}`, targetTag: "1.0", reason: "release",
      requestedById: users.devOnly, requestedByEmail: "devonly@x.io", status: "scheduled", approvalsRequired: 1, gates: [], gatesPassed: true,
      evidence: { format: "dockmaster.promotion-evidence/v1", window: { timeZone: "Europe/Berlin", open: false } },
    },
  });
  number = p.number;
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

beforeEach(() => {
  session.current = null;
});

describe("GET /api/v1/promotions/{n}/evidence", () => {
  it("serves the stored document as promotion-<n>-evidence.json to someone who may view the target environment", async () => {
    as(users.prodViewer);
    const res = await download(String(number));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="promotion-${number}-evidence.json"`);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ format: "dockmaster.promotion-evidence/v1", window: { timeZone: "Europe/Berlin", open: false } });
  });

  it("refuses someone without view on the target environment (403), and anonymous callers (401)", async () => {
    as(users.devOnly);
    const res = await download(String(number));
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("Europe/Berlin");
    session.current = null;
    expect((await download(String(number))).status).toBe(401);
  });

  it("answers 404 for a promotion that does not exist", async () => {
    as(users.prodViewer);
    expect((await download("99999")).status).toBe(404);
  });
});
