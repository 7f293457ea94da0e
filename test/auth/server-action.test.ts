import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// The server action runs for real against a real database; only Next's request scope (cookies,
// headers, cache) and next-auth's cookie decoding are replaced, since there is no HTTP request here.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
let ids: { admin: string; viewer: string };

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-action-"));
  const { createUser } = await import("@/lib/auth/users");
  const sys = { actor: null, ip: null };
  const admin = await createUser(prisma, sys, { email: "admin@x.io", password: "admin password!", grants: [{ role: "admin", environmentId: null }] });
  const viewer = await createUser(prisma, sys, { email: "viewer@x.io", password: "viewer password!", grants: [{ role: "viewer", environmentId: null }] });
  ids = { admin: admin.id, viewer: viewer.id };
});

afterAll(() => closeEmbeddedRuntime(dir));

describe("admin-only server actions are refused on the server", () => {
  const newUser = { email: "mallory@x.io", password: "mallory password", role: "admin", environmentId: "" };

  it("refuses a viewer calling createUserAction directly, writes nothing but an audit row", async () => {
    const { createUserAction } = await import("@/app/(app)/settings/users/actions");
    session.current = { user: { id: ids.viewer, sessionVersion: 0 } };
    const res = await createUserAction(undefined, form(newUser));
    expect(res).toEqual({ status: "error", message: "You need the admin role for all environments to manage users." });
    expect(await prisma.user.findUnique({ where: { email: "mallory@x.io" } })).toBeNull();
    const denied = await prisma.auditEvent.findFirstOrThrow({ where: { action: "permission.denied" }, orderBy: { id: "desc" } });
    expect(denied).toMatchObject({ actorEmail: "viewer@x.io", outcome: "denied", sourceIp: "192.0.2.44", detail: { attempted: "user.manage" } });
  });

  it("refuses a viewer even when the input is invalid (no validation oracle)", async () => {
    const { grantRoleAction } = await import("@/app/(app)/settings/users/actions");
    session.current = { user: { id: ids.viewer, sessionVersion: 0 } };
    const res = await grantRoleAction(undefined, form({ userId: ids.viewer, role: "superuser" }));
    expect(res).toMatchObject({ status: "error", message: "You need the admin role for all environments to manage users." });
    expect(await prisma.roleGrant.count({ where: { userId: ids.viewer } })).toBe(1);
  });

  it("refuses a caller with no session", async () => {
    const { createUserAction } = await import("@/app/(app)/settings/users/actions");
    session.current = null;
    expect(await createUserAction(undefined, form(newUser))).toEqual({ status: "error", message: "You are not signed in." });
  });

  it("refuses a disabled admin: grants are read from the database on every call", async () => {
    const { createUserAction } = await import("@/app/(app)/settings/users/actions");
    await prisma.user.update({ where: { id: ids.admin }, data: { disabled: true } });
    session.current = { user: { id: ids.admin, sessionVersion: 0 } };
    expect(await createUserAction(undefined, form(newUser))).toEqual({ status: "error", message: "You are not signed in." });
    await prisma.user.update({ where: { id: ids.admin }, data: { disabled: false } });
  });

  it("lets an admin create the user, audited with actor and address", async () => {
    const { createUserAction } = await import("@/app/(app)/settings/users/actions");
    session.current = { user: { id: ids.admin, sessionVersion: 0 } };
    const res = await createUserAction(undefined, form({ ...newUser, role: "viewer" }));
    expect(res).toEqual({ status: "ok", message: "Created mallory@x.io." });
    expect(await prisma.user.findUnique({ where: { email: "mallory@x.io" } })).not.toBeNull();
    const ev = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.create" }, orderBy: { id: "desc" } });
    expect(ev).toMatchObject({ actorEmail: "admin@x.io", sourceIp: "192.0.2.44", targetId: "mallory@x.io" });
  });

  it("shows field errors to an admin for bad input", async () => {
    const { createUserAction } = await import("@/app/(app)/settings/users/actions");
    session.current = { user: { id: ids.admin, sessionVersion: 0 } };
    const res = await createUserAction(undefined, form({ ...newUser, email: "not-an-email", password: "short" }));
    expect(res).toMatchObject({ status: "error", fieldErrors: { email: ["enter a valid email address"], password: ["at least 12 characters"] } });
  });

  it("refuses a viewer adding a registry", async () => {
    const { createRegistryAction } = await import("@/app/(app)/settings/registries/actions");
    session.current = { user: { id: ids.viewer, sessionVersion: 0 } };
    const res = await createRegistryAction(undefined, form({ name: "evil", kind: "oci", url: "http://evil" }));
    expect(res).toEqual({ status: "error", message: "You need the admin role for all environments to manage registries." });
    expect(await prisma.registry.count()).toBe(0);
  });
});
