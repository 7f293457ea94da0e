import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// The REST route handlers run for real against a real database, called with Request objects as
// Next calls them. Only Next's request scope and next-auth's cookie decoding are replaced: the
// mocked session stands for "this request carried the signed-in user's session cookie".
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
const ATTACKER = "http://127.0.0.1:47611";

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const users = { developer: "", approver: "" };
let approverToken = "";

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
function call(route: unknown, url: string, params: object, init: RequestInit = {}): Promise<Response> {
  return (route as Route)(new Request(`${APP}${url}`, init), { params: Promise.resolve(params as never) });
}
const verbRoute = () => import("@/app/api/v1/promotions/[id]/[verb]/route").then((m) => m.POST);

async function requestedPromotion() {
  return prisma.promotion.create({
    data: {
      sourceEnv: "dev",
      targetEnv: "prod",
      sourceRepository: "team/api",
      targetRepository: "prod/api",
      digest: `sha256:${"a".repeat(64)}`,
      targetTag: "1.0",
      reason: "release",
      requestedById: users.developer,
      requestedByEmail: "dev@x.io",
      status: "requested",
      // two approvals needed: one approval in a test never starts a copy in the background
      approvalsRequired: 2,
      gates: [],
      gatesPassed: true,
    },
  });
}
const approvalsOf = (id: string) => prisma.promotionApproval.count({ where: { promotionId: id } });

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-api-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  // port 1: nothing listens there, so any registry call fails as "unreachable" at once
  const registry = await prisma.registry.create({ data: { name: "reg-down", kind: "oci", url: "http://127.0.0.1:1" } });
  await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "team" } });
  const prod = await prisma.environment.create({ data: { name: "prod", order: 2, registryId: registry.id, namespace: "prod", protected: true } });
  const sys = { actor: null, ip: null };
  users.developer = (await createUser(prisma, sys, { email: "dev@x.io", password: "developer password", grants: [{ role: "developer", environmentId: null }] })).id;
  users.approver = (
    await createUser(prisma, sys, {
      email: "approver@x.io",
      password: "approver password",
      grants: [
        { role: "viewer", environmentId: null },
        { role: "approver", environmentId: prod.id },
      ],
    })
  ).id;
  approverToken = (await createApiToken(prisma, sys, users.approver, { name: "ci", scopes: ["read", "approve"], expiresInDays: 30 }, { maxDays: 365 })).token;
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

beforeEach(() => {
  session.current = null;
});

describe("CSRF: a cookie-authenticated write must come from the app's own origin, as JSON", () => {
  it("refuses the attack: a cross-origin text/plain POST with the approver's cookie to /approve changes nothing", async () => {
    const p = await requestedPromotion();
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    // what fetch(..., {mode: "no-cors", credentials: "include", headers: {"content-type": "text/plain"}}) sends
    const res = await call(await verbRoute(), `/api/v1/promotions/${p.number}/approve`, { id: String(p.number), verb: "approve" }, {
      method: "POST",
      headers: { origin: ATTACKER, "sec-fetch-site": "same-site", "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ comment: "lgtm" }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/cross-origin/);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ status: "requested" });
    expect(await approvalsOf(p.id)).toBe(0);
  });

  it("refuses a cookie-authenticated write whose origin nothing proves (no Origin, Sec-Fetch-Site cross-site or absent)", async () => {
    const p = await requestedPromotion();
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    const variants: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, {}, { origin: "null" }];
    for (const headers of variants) {
      const res = await call(await verbRoute(), `/api/v1/promotions/${p.id}/approve`, { id: p.id, verb: "approve" }, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await approvalsOf(p.id)).toBe(0);
  });

  it("refuses a same-origin cookie-authenticated write that is not application/json (415)", async () => {
    const p = await requestedPromotion();
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null]) {
      const res = await call(await verbRoute(), `/api/v1/promotions/${p.id}/approve`, { id: p.id, verb: "approve" }, {
        method: "POST",
        headers: { origin: APP, ...(type ? { "content-type": type } : {}) },
        body: "{}",
      });
      expect(res.status, String(type)).toBe(415);
    }
    expect(await approvalsOf(p.id)).toBe(0);
  });

  it("accepts the app's own JSON request (Origin, or Sec-Fetch-Site same-origin without Origin)", async () => {
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    const a = await requestedPromotion();
    const byOrigin = await call(await verbRoute(), `/api/v1/promotions/${a.id}/approve`, { id: a.id, verb: "approve" }, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ comment: "ok" }),
    });
    expect(byOrigin.status).toBe(200);
    expect(await approvalsOf(a.id)).toBe(1);
    const b = await requestedPromotion();
    const byFetchSite = await call(await verbRoute(), `/api/v1/promotions/${b.id}/approve`, { id: b.id, verb: "approve" }, {
      method: "POST",
      headers: { "sec-fetch-site": "same-origin", "content-type": "application/json" },
      body: "{}",
    });
    expect(byFetchSite.status).toBe(200);
    expect(await approvalsOf(b.id)).toBe(1);
  });

  it("leaves Bearer-token callers alone: no Origin and any Content-Type still work", async () => {
    const p = await requestedPromotion();
    const res = await call(await verbRoute(), `/api/v1/promotions/${p.id}/approve`, { id: p.id, verb: "approve" }, {
      method: "POST",
      headers: { authorization: `Bearer ${approverToken}`, "content-type": "text/plain" },
      body: JSON.stringify({ comment: "from the pipeline" }),
    });
    expect(res.status).toBe(200);
    expect(await approvalsOf(p.id)).toBe(1);
  });

  it("reads are not affected: a GET with the cookie and no Origin works", async () => {
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    const { GET } = await import("@/app/api/v1/promotions/route");
    expect((await call(GET, "/api/v1/promotions", {})).status).toBe(200);
  });
});

describe("request bodies", () => {
  const post = async (id: string, body: BodyInit, extra: RequestInit = {}) =>
    call(await verbRoute(), `/api/v1/promotions/${id}/approve`, { id, verb: "approve" }, {
      method: "POST",
      headers: { authorization: `Bearer ${approverToken}`, "content-type": "application/json" },
      body,
      ...extra,
    });

  it("answers malformed JSON and non-object bodies with 400 and approves nothing (a body of `{` used to approve)", async () => {
    const p = await requestedPromotion();
    for (const body of ["{", "[]", '"approve"', "null", "42", "{\"comment\": 1"]) {
      const res = await post(p.id, body);
      expect(res.status, body).toBe(400);
      expect((await res.json()).error).toMatch(/invalid request/);
    }
    expect(await approvalsOf(p.id)).toBe(0);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ status: "requested" });
  });

  it("refuses a body over 64 KiB with 413, declared or streamed", async () => {
    const p = await requestedPromotion();
    const big = JSON.stringify({ comment: "x".repeat(70 * 1024) });
    expect((await post(p.id, big)).status).toBe(413);
    const chunks = [new TextEncoder().encode(big.slice(0, 40_000)), new TextEncoder().encode(big.slice(40_000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    expect((await post(p.id, stream, { duplex: "half" } as RequestInit)).status).toBe(413);
    expect(await approvalsOf(p.id)).toBe(0);
  });
});

describe("ids and the error contract", () => {
  const getRoute = () => import("@/app/api/v1/promotions/[id]/route").then((m) => m.GET);
  const bearer = () => ({ headers: { authorization: `Bearer ${approverToken}` } });

  it("answers an out-of-range promotion number with 404, not a database error", async () => {
    for (const id of ["2147483648", "99999999999999999999", "0"]) {
      const res = await call(await getRoute(), `/api/v1/promotions/${id}`, { id }, bearer());
      expect(res.status, id).toBe(404);
      expect(JSON.stringify(await res.json())).not.toMatch(/prisma|database|invocation/i);
    }
  });

  it("answers a NUL byte or other control character in a path parameter with 400", async () => {
    for (const id of ["\u0000", "abc\u0000def", "1\u001b[2J"]) {
      const res = await call(await getRoute(), `/api/v1/promotions/x`, { id }, bearer());
      expect(res.status, JSON.stringify(id)).toBe(400);
      expect(JSON.stringify(await res.json())).not.toMatch(/22021|database/i);
    }
  });

  it("answers invalid input to a promotion request with 400, not 409", async () => {
    const { POST } = await import("@/app/api/v1/promotions/route");
    session.current = { user: { id: users.developer, sessionVersion: 0 } };
    const base = { sourceEnv: "dev", repository: "team/api", reference: "1.0", targetEnv: "prod", tag: "1.0", reason: "release it" };
    for (const input of [{ repository: "team/../prod/api" }, { reference: "sha256:zzz" }]) {
      const res = await call(POST, "/api/v1/promotions", {}, { method: "POST", headers: { origin: APP, "content-type": "application/json" }, body: JSON.stringify({ ...base, ...input }) });
      const body = await res.json();
      expect(res.status, JSON.stringify({ input, body })).toBe(400);
    }
  });

  it("names the registry when it cannot be reached (502), and says 404 for an unknown registry", async () => {
    const { GET } = await import("@/app/api/v1/registries/[name]/status/route");
    session.current = { user: { id: users.approver, sessionVersion: 0 } };
    const down = await call(GET, "/api/v1/registries/reg-down/status", { name: "reg-down" });
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ ok: false, registry: "reg-down", error: { kind: "unreachable" } });
    const unknown = await call(GET, "/api/v1/registries/nope/status", { name: "nope" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("no registry named nope");
  });

  it("refuses an unknown API token with 401 and a signed-out caller with 401", async () => {
    const { GET } = await import("@/app/api/v1/promotions/route");
    expect((await call(GET, "/api/v1/promotions", {}, { headers: { authorization: "Bearer dm_nope" } })).status).toBe(401);
    expect((await call(GET, "/api/v1/promotions", {})).status).toBe(401);
  });

  it("reports an unexpected error generically with a request id, and logs it in full under that id", async () => {
    const { delegated, withPermission } = await import("@/lib/auth/route");
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    try {
      const route = withPermission(delegated("promotion.view"), async () => {
        throw new Error("connection string postgres://admin:hunter2@db\n[api] forged line");
      });
      session.current = { user: { id: users.approver, sessionVersion: 0 } };
      const res = await call(route, "/api/v1/anything", {});
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body.error).toMatch(/^internal error \(request id [0-9a-f]{12}\)$/);
      expect(JSON.stringify(body)).not.toContain("hunter2");
      const id = body.error.match(/request id ([0-9a-f]+)/)[1];
      expect(res.headers.get("x-request-id")).toBe(id);
      const line = logged.find((l) => l.includes(id));
      expect(line).toContain("hunter2");
      // the caller-chosen text cannot start a log record of its own
      expect(line).not.toMatch(/\n\[api\] forged/);
    } finally {
      spy.mockRestore();
    }
  });

  it("server actions follow the same contract: an unexpected error shows only a request id", async () => {
    const { defineAction } = await import("@/lib/auth/action");
    const { z } = await import("zod");
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      session.current = { user: { id: users.approver, sessionVersion: 0 } };
      const action = defineAction({
        input: z.object({}),
        permission: "registry.view",
        async run() {
          throw new Error("Invalid `prisma.promotion.findFirst()` invocation: value out of range for type integer");
        },
      });
      const res = await action(undefined, new FormData());
      expect(res).toMatchObject({ status: "error" });
      expect((res as { message: string }).message).toMatch(/^internal error \(request id [0-9a-f]{12}\)$/);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
