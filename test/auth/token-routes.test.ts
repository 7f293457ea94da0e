import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Action } from "@/lib/auth/policy";
import type { RoutePermission } from "@/lib/auth/route";
import { scopeActions, scopeNeededFor, tokenScopes, type TokenScope } from "@/lib/auth/token-scopes";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// Scope narrowing against EVERY route: the route files are found on disk (app/api/v1/**/route.ts and
// app/metrics/route.ts), so a new route is walked without anyone listing it here. Each handler must
// declare its action (withPermission's `permission`, or POST.permission on the events route); a
// token of an admin holding one scope only must be refused (403 naming the needed scope) exactly
// when that scope does not cover the action, and let through otherwise.
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => null) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const VERBS = ["approve", "reject", "override", "retry", "rollback", "run-now"];

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const tokenOf = {} as Record<TokenScope, string>;

async function routeFiles(at: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(at, { withFileTypes: true })) {
    const p = path.join(at, e.name);
    if (e.isDirectory()) out.push(...(await routeFiles(p)));
    else if (e.name === "route.ts") out.push(p);
  }
  return out;
}

/** Every way a file's path can be called: one per value of each dynamic segment ([verb] takes every verb). */
function instances(file: string): { url: string; params: Record<string, string> }[] {
  const segments = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  let out = [{ url: "", params: {} as Record<string, string> }];
  for (const s of segments) {
    const m = /^\[(\.\.\.)?(\w+)\]$/.exec(s);
    const values = !m ? [s] : m[2] === "verb" ? VERBS : m[2] === "digest" ? [`sha256:${"a".repeat(64)}`] : m[2] === "env" ? ["dev"] : m[2] === "registry" || m[2] === "name" ? ["reg-down"] : ["nonexistent-id"];
    out = out.flatMap((o) => values.map((v) => ({ url: `${o.url}/${m ? encodeURIComponent(v) : v}`, params: m ? { ...o.params, [m[2]!]: v } : o.params })));
  }
  return out;
}

type Handler = ((request: Request, ctx: { params: Promise<unknown> }) => Promise<Response>) & { permission?: RoutePermission<unknown> };

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-token-routes-", { NEXTAUTH_URL: APP }));
  const { createUser } = await import("@/lib/auth/users");
  const { createApiToken } = await import("@/lib/auth/tokens");
  // port 1: nothing listens there, so any registry call fails at once as "unreachable"
  const registry = await prisma.registry.create({ data: { name: "reg-down", kind: "oci", url: "http://127.0.0.1:1" } });
  await prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "team" } });
  const sys = { actor: null, ip: null };
  // an admin everywhere: whatever is refused is refused by the token, never by the roles
  const admin = await createUser(prisma, sys, { email: "admin@x.io", password: "admin password", grants: [{ role: "admin", environmentId: null }] });
  for (const scope of tokenScopes) tokenOf[scope] = (await createApiToken(prisma, sys, admin.id, { name: scope, scopes: [scope], expiresInDays: 1 }, { maxDays: 365 })).token;
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("token scopes against every route", () => {
  it("finds the routes on disk, the events and metrics endpoints among them", async () => {
    const files = [...(await routeFiles(path.join(ROOT, "app/api/v1"))), path.join(ROOT, "app/metrics/route.ts")];
    const names = files.map((f) => path.relative(ROOT, f));
    expect(names).toContain("app/api/v1/events/[registry]/route.ts");
    expect(names).toContain("app/metrics/route.ts");
    expect(names).toContain("app/api/v1/promotions/route.ts");
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  it("refuses a token lacking the route's scope with 403 naming it, and lets the scope that covers it through", async () => {
    const files = [...(await routeFiles(path.join(ROOT, "app/api/v1"))), path.join(ROOT, "app/metrics/route.ts")];
    const checked: string[] = [];
    for (const file of files) {
      const mod = (await import(file)) as Record<string, Handler | undefined>;
      const methods = METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length, `${file} exports no handler`).toBeGreaterThan(0);
      for (const method of methods) {
        const handler = mod[method]!;
        for (const { url: routePath, params } of instances(file)) {
          const url = `${APP}${routePath}?environment=dev&repository=team%2Fapi&tag=latest&q=api`;
          expect(handler.permission, `${method} ${routePath} declares no action: wrap it in withPermission (lib/auth/route.ts)`).toBeDefined();
          const { routeAction } = await import("@/lib/auth/route");
          const { action } = routeAction(handler.permission!, params, new URL(url));
          for (const scope of tokenScopes) {
            const init: RequestInit = { method, headers: { authorization: `Bearer ${tokenOf[scope]}`, "content-type": "application/json" } };
            if (method !== "GET") init.body = "{}";
            const res = await handler(new Request(url, init), { params: Promise.resolve(params) });
            const body = (await res.json().catch(() => ({}))) as { error?: unknown };
            const where = `${method} ${routePath} (${action}) with a "${scope}" token`;
            if (scopeActions[scope].has(action as Action)) {
              expect(res.status, `${where}: ${body.error}`).not.toBe(401);
              expect(JSON.stringify(body), where).not.toMatch(/API token/);
            } else {
              expect(res.status, `${where}: ${body.error}`).toBe(403);
              expect(body.error, where).toContain(`lacks the "${scopeNeededFor(action as Action)}" scope needed for ${action}`);
            }
          }
          checked.push(`${method} ${routePath}`);
        }
      }
    }
    // each verb of /promotions/:id/:verb counted apart
    expect(checked.length).toBeGreaterThanOrEqual(20);
  }, 300_000);
});
