/**
 * The schedule's system actor ("system:retention-schedule") executes plans only from the scheduler:
 * no request can claim it. Called as Next calls them (only the session cookie's decoding is replaced,
 * as in security.test.ts): a session or an API token of an account carrying a system name (made by a
 * directory or by hand in the database) is no principal at all; a principal that names one is refused
 * by the one gate (enforce) and audited; no account can be created with such a name; the request
 * body has no room for an actor; and no route or server action reaches the schedule's entry.
 * The pages show the actor as Dockmaster's own, never as a person.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { importClosure } from "../support/import-closure";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.45" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const APP = "http://127.0.0.1:3000";
const SYSTEM = "system:retention-schedule";
const root = path.resolve(import.meta.dirname, "../..");
let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
let impostor = "";
let impostorToken = "";
let planId = "";
let planHash = "";

type Route = (request: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function execute(body: unknown, headers: Record<string, string> = {}) {
  const { POST } = await import("@/app/api/v1/retention/plans/[id]/execute/route");
  const init = { method: "POST", headers: { "content-type": "application/json", origin: APP, ...headers }, body: JSON.stringify(body) };
  return (POST as unknown as Route)(new Request(`${APP}/api/v1/retention/plans/${planId}/execute`, init), { params: Promise.resolve({ id: planId } as never) });
}
const planStatus = async () => (await prisma.retentionPlan.findUniqueOrThrow({ where: { id: planId } })).status;

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-system-actor-", { NEXTAUTH_URL: APP }));
  const reg = await prisma.registry.create({ data: { name: "down", kind: "oci", url: "http://127.0.0.1:1" } });
  await prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev", retention: { rules: [{ repositories: "*", keepLast: 1, autoExecute: true }] } } });
  // an account carrying the system name with every right, as a directory or a hand edit could make one
  const row = await prisma.user.create({ data: { email: SYSTEM, passwordHash: "", authSource: "ldap", grants: { create: [{ role: "admin" }] } } });
  impostor = row.id;
  const { createApiToken } = await import("@/lib/auth/tokens");
  impostorToken = (await createApiToken(prisma, { actor: null, ip: null }, row.id, { name: "pipeline", scopes: ["approve"], expiresInDays: 1 }, { maxDays: 365 })).token;
  const items = [{ repository: "dev/api", tag: "old", digest: `sha256:${"1".repeat(64)}`, rule: "rules[0] (*)", bytes: 1, deletesManifest: true }];
  planHash = createHash("sha256").update(JSON.stringify(items)).digest("hex");
  planId = (await prisma.retentionPlan.create({ data: { environment: "dev", hash: planHash, items, protected: [], createdByEmail: "system:schedule" } })).id;
}, 240_000);

afterAll(() => closeEmbeddedRuntime(dir));

beforeEach(() => {
  session.current = null;
});

describe("a request cannot act as the system actor", () => {
  it("a session of an account named like it is no principal: the route says 401, the server action 'not signed in'; the plan stays planned", async () => {
    session.current = { user: { id: impostor, sessionVersion: 0 } };
    const res = await execute({ hash: planHash });
    expect(res.status).toBe(401);
    const { executePlanAction } = await import("@/app/(app)/retention/execute-actions");
    const form = new FormData();
    for (const [k, v] of Object.entries({ id: planId, hash: planHash, confirm: planHash.slice(0, 12) })) form.set(k, v);
    expect(await executePlanAction(undefined, form)).toMatchObject({ status: "error", message: expect.stringContaining("not signed in") });
    expect(await planStatus()).toBe("planned");
  });

  it("its API token is refused with 401", async () => {
    const res = await execute({ hash: planHash }, { authorization: `Bearer ${impostorToken}` });
    expect(res.status).toBe(401);
    expect(await planStatus()).toBe("planned");
    expect(await prisma.auditEvent.count({ where: { action: "retention.execute.start" } })).toBe(0);
  });

  it("a principal that names it, whatever its grants, is refused by enforce() (403) and the refusal is audited", async () => {
    const { startPlanExecution } = await import("@/lib/retention/execute");
    const forged = { id: impostor, email: " System:Retention-Schedule ", name: null, grants: [{ role: "admin" as const, environment: null }], ip: "192.0.2.45" };
    const enqueue = vi.fn(async () => undefined);
    await expect(startPlanExecution({ prisma, executeBy: () => "admin", enqueue }, forged, planId, planHash)).rejects.toMatchObject({ kind: "forbidden", message: "A system actor cannot act through a request." });
    expect(enqueue).not.toHaveBeenCalled();
    const denied = await prisma.auditEvent.findFirstOrThrow({ where: { action: "permission.denied", actorId: impostor } });
    expect(denied.detail).toMatchObject({ attempted: "retention.execute", reason: "system actor" });
    expect(await planStatus()).toBe("planned");
  });

  it("the request body has no room to name an actor (400)", async () => {
    const { createUser } = await import("@/lib/auth/users");
    const admin = await createUser(prisma, { actor: null, ip: null }, { email: "admin@x.io", password: "admin password", grants: [{ role: "admin", environmentId: null }] });
    session.current = { user: { id: admin.id, sessionVersion: 0 } };
    const res = await execute({ hash: planHash, actor: SYSTEM });
    expect(res.status).toBe(400);
    expect(await planStatus()).toBe("planned");
  });

  it("no account can be created with a system name: not by an admin, not by an OpenID provider", async () => {
    const { createUser } = await import("@/lib/auth/users");
    await expect(createUser(prisma, { actor: null, ip: null }, { email: "System:Retention-Schedule", password: "long enough password", grants: [] })).rejects.toMatchObject({ field: "email", problem: expect.stringContaining("reserved") });
    const { signInWithOidcClaims, OidcSignInRefused } = await import("@/lib/auth/oidc-account");
    await expect(signInWithOidcClaims(prisma, { sub: "x", email: "system:promotion-engine", email_verified: true }, "groups", null)).rejects.toBeInstanceOf(OidcSignInRefused);
    // a directory entry whose mail is a system name: its password is right, and still no account
    const { signInWithLdap } = await import("@/lib/auth/ldap-signin");
    const directory = async () => ({ ok: true as const, identity: { dn: "uid=robot,dc=x", username: "robot", email: SYSTEM, name: null, groups: ["admins"] } });
    await expect(signInWithLdap(prisma, {} as never, { username: "robot", password: "right" }, null, directory)).rejects.toThrow();
    const ldapRow = await prisma.auditEvent.findFirstOrThrow({ where: { action: "auth.signin", outcome: "failure", detail: { path: ["username"], equals: "robot" } } });
    expect(ldapRow.detail).toMatchObject({ reason: expect.stringContaining("reserved") });
    expect(await prisma.user.count({ where: { email: { startsWith: "system:" } } })).toBe(1); // only the hand-made row above
  });

  it("no route, page or server action reaches the schedule's entry; only boot-on-start does", () => {
    const entry = path.join(root, "lib/retention/execute-scheduled.ts");
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((f) => {
        const p = path.join(d, f);
        return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(f) ? [p] : [];
      });
    })(path.join(root, "app"));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => importClosure(root, f).has(entry)).map((f) => path.relative(root, f))).toEqual([]);
    // the check sees the path where it exists
    expect(importClosure(root, path.join(root, "lib/boot-on-start.ts")).has(entry)).toBe(true);
    expect(readFileSync(entry, "utf8")).not.toMatch(/from "@\/lib\/auth\/(session|route|action)"/);
  });
});

describe("the pages name the system actor as Dockmaster's own", () => {
  it("the audit page's actor cell and the plan view mark it as system, with what it is", async () => {
    const { ActorName } = await import("@/components/ui/actor-name");
    const cell = renderToStaticMarkup(createElement(ActorName, { name: SYSTEM }));
    expect(cell).toContain('data-actor-kind="system"');
    expect(cell).toContain(">system</span>");
    expect(cell).toContain("autoExecute");
    expect(renderToStaticMarkup(createElement(ActorName, { name: "admin@x.io" }))).toBe("admin@x.io");

    const { RetentionPlanView } = await import("@/components/retention/plan-view");
    const { findPlan } = await import("@/lib/retention/plan-store");
    await prisma.retentionPlan.update({ where: { id: planId }, data: { status: "executed", executedById: null, executedByEmail: SYSTEM, executedAt: new Date("2026-11-30T12:00:00Z") } });
    const plan = await findPlan(prisma, planId);
    expect(plan.execution).toEqual({ by: SYSTEM, at: "2026-11-30T12:00:00.000Z", automatic: true });
    const html = renderToStaticMarkup(createElement(RetentionPlanView, { plan }));
    expect(html).toContain("Executed automatically");
    expect(html).toContain(SYSTEM);
    expect(html).toContain("no person confirmed it");
    expect(html).not.toContain("A dry run: nothing has been deleted.");
  });
});
