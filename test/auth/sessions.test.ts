import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser } from "./browser";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

// Sessions are real next-auth JWT cookies, issued and cleared by next-auth's own handlers (see
// browser.ts). getServerSession reads them through next-auth's request form, since Next's
// cookies()/headers() exist only inside a Next request; everything after that is the app's code.
const active = vi.hoisted(() => ({ browser: null as null | { ip: string; request(): { headers: Record<string, string>; cookies: Record<string, string> } } }));
vi.mock("next-auth", async (importOriginal) => {
  const real = await importOriginal<typeof import("next-auth")>();
  const noResponse = { getHeader() {}, setCookie() {}, setHeader() {} };
  return {
    ...real,
    getServerSession: async (options: never) => (active.browser ? real.getServerSession(active.browser.request() as never, noResponse as never, options) : null),
  };
});
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": active.browser?.ip ?? "" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const ids = { admin: "", alice: "" };
const ALICE = { email: "alice@x.io", password: "alice password 1" };
const ADMIN = { email: "admin@x.io", password: "admin password 1" };
const BOB = { email: "bob@x.io", password: "bob password 12" };

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

async function browser(ip = "192.0.2.10") {
  const { getAuthOptions } = await import("@/lib/auth/options");
  return new Browser(ip, getAuthOptions);
}

async function signedIn(who: { email: string; password: string }, ip?: string) {
  const b = await browser(ip);
  expect(await b.signIn(who.email, who.password)).toBe(true);
  return b;
}

/** Who the app takes the caller to be, for a request carrying this browser's cookies. */
async function principalOf(b: Browser) {
  const { currentPrincipal } = await import("@/lib/auth/session");
  active.browser = b;
  try {
    return (await currentPrincipal())?.email ?? null;
  } finally {
    active.browser = null;
  }
}

async function as<T>(b: Browser, run: () => Promise<T>): Promise<T> {
  active.browser = b;
  try {
    return await run();
  } finally {
    active.browser = null;
  }
}

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-sessions-", { NEXTAUTH_URL: "http://localhost:3000" }));
  const { createUser } = await import("@/lib/auth/users");
  const sys = { actor: null, ip: null };
  ids.admin = (await createUser(prisma, sys, { ...ADMIN, grants: [{ role: "admin", environmentId: null }] })).id;
  ids.alice = (await createUser(prisma, sys, { ...ALICE, grants: [{ role: "viewer", environmentId: null }] })).id;
  await createUser(prisma, sys, { ...BOB, grants: [{ role: "viewer", environmentId: null }] });
});

afterAll(() => closeEmbeddedRuntime(dir));

describe("a captured session cookie stops working", () => {
  it("when its owner signs out", async () => {
    const alice = await signedIn(ALICE);
    const thief = alice.copy();
    expect(await principalOf(thief)).toBe(ALICE.email);

    await alice.signOut();
    expect(alice.sessionCookie).toBeUndefined();
    expect(await principalOf(thief)).toBeNull();
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "auth.signout" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorEmail: ALICE.email, outcome: "success" });

    // A new sign-in works, and the dead cookie cannot end it by posting a sign-out of its own.
    const again = await signedIn(ALICE);
    await thief.signOut();
    expect(await principalOf(again)).toBe(ALICE.email);
  });

  it("when an admin disables the account, and stays dead after it is enabled again", async () => {
    const alice = await signedIn(ALICE);
    const thief = alice.copy();
    const admin = await signedIn(ADMIN, "192.0.2.1");
    const { setDisabledAction } = await import("@/app/(app)/settings/users/actions");
    expect(await as(admin, () => setDisabledAction(undefined, form({ userId: ids.alice, disabled: "true" })))).toMatchObject({ status: "ok" });
    expect(await principalOf(thief)).toBeNull();
    expect(await as(admin, () => setDisabledAction(undefined, form({ userId: ids.alice, disabled: "false" })))).toMatchObject({ status: "ok" });
    expect(await principalOf(thief)).toBeNull();
    expect(await principalOf(alice)).toBeNull();
    expect(await principalOf(await signedIn(ALICE))).toBe(ALICE.email);
    expect(await principalOf(admin)).toBe(ADMIN.email);
  });
});

describe("ending sessions on purpose", () => {
  it("an admin's \"sign out everywhere\" ends every session of the user, audited", async () => {
    const laptop = await signedIn(ALICE);
    const phone = await signedIn(ALICE, "198.51.100.20");
    const admin = await signedIn(ADMIN, "192.0.2.1");
    const { endSessionsAction } = await import("@/app/(app)/settings/users/actions");

    // Only user.manage may do it: Alice cannot sign the admin out.
    expect(await as(laptop, () => endSessionsAction(undefined, form({ userId: ids.admin })))).toEqual({
      status: "error",
      message: "You need the admin role for all environments to manage users.",
    });
    expect(await principalOf(admin)).toBe(ADMIN.email);

    expect(await as(admin, () => endSessionsAction(undefined, form({ userId: ids.alice })))).toEqual({ status: "ok", message: "Signed out everywhere." });
    expect(await principalOf(laptop)).toBeNull();
    expect(await principalOf(phone)).toBeNull();
    expect(await principalOf(admin)).toBe(ADMIN.email);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.sessions.end" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorEmail: ADMIN.email, targetId: ALICE.email, outcome: "success", sourceIp: "192.0.2.1" });
    expect(await principalOf(await signedIn(ALICE))).toBe(ALICE.email);
  });

  it("a password change checks the current password, ends every session, and only the new password signs in", async () => {
    const here = await signedIn(ALICE);
    const elsewhere = await signedIn(ALICE, "198.51.100.30");
    const { changePasswordAction } = await import("@/app/(app)/account/actions");
    const change = (fields: Record<string, string>) => as(here, () => changePasswordAction(undefined, form(fields)));
    const NEW = "a brand new passphrase";

    expect(await change({ current: ALICE.password, password: "short", confirm: "short" })).toMatchObject({
      status: "error",
      fieldErrors: { password: ["at least 12 characters"] },
    });
    expect(await change({ current: ALICE.password, password: NEW, confirm: `${NEW}!` })).toMatchObject({ fieldErrors: { confirm: ["passwords do not match"] } });
    expect(await change({ current: ALICE.password, password: ALICE.password, confirm: ALICE.password })).toMatchObject({
      fieldErrors: { password: ["choose a password other than the current one"] },
    });
    expect(await change({ current: "not my password", password: NEW, confirm: NEW })).toEqual({ status: "error", message: "The current password is wrong." });
    // Refused attempts change nothing.
    expect(await principalOf(elsewhere)).toBe(ALICE.email);

    expect(await change({ current: ALICE.password, password: NEW, confirm: NEW })).toEqual({ status: "ok", message: "Password changed. Sign in again with the new password." });
    expect(await principalOf(elsewhere)).toBeNull();
    expect(await principalOf(here)).toBeNull();
    expect(await (await browser()).signIn(ALICE.email, ALICE.password)).toBe(false);
    const fresh = await signedIn({ email: ALICE.email, password: NEW });
    expect(await principalOf(fresh)).toBe(ALICE.email);

    const audit = await prisma.auditEvent.findMany({ where: { action: "user.password.change" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.outcome, a.actorEmail, a.targetId, a.sourceIp])).toEqual([
      ["failure", ALICE.email, ALICE.email, "192.0.2.10"],
      ["success", ALICE.email, ALICE.email, "192.0.2.10"],
    ]);
    expect(JSON.stringify(audit.map((a) => a.detail))).not.toContain(NEW);
  });

  it("guessing the current password is throttled like sign-in", async () => {
    const { changePasswordAction } = await import("@/app/(app)/account/actions");
    const bob = await signedIn(BOB, "192.0.2.77");
    const guesses = await Promise.all(
      Array.from({ length: 7 }, (_, i) => as(bob, () => changePasswordAction(undefined, form({ current: `guess ${i}`, password: "whatever new pass", confirm: "whatever new pass" })))),
    );
    const said = guesses.map((g) => (g as { message: string }).message);
    expect(said.filter((m) => m === "The current password is wrong.")).toHaveLength(5);
    expect(said.filter((m) => m.startsWith("Too many failed"))).toHaveLength(2);
  });
});

describe("every way in checks the session version", () => {
  it("refuses a dead cookie on pages, server actions and API routes alike", async () => {
    const admin = await signedIn(ADMIN);
    const thief = admin.copy();
    await admin.signOut();
    const { routePrincipal } = await import("@/lib/auth/route");
    const { authorizePage } = await import("@/lib/auth/page");
    const { createTokenAction } = await import("@/app/(app)/account/tokens/actions");
    expect(await as(thief, () => routePrincipal(new Request("http://localhost:3000/api/v1/promotions")))).toBeNull();
    await expect(as(thief, () => authorizePage("registry.view"))).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    expect(await as(thief, () => createTokenAction(undefined, form({ name: "keep me in" })))).toEqual({ status: "error", message: "You are not signed in." });
    expect(await prisma.apiToken.count()).toBe(0);
  });

  it("refuses a session JWT that carries no version (issued before versions existed)", async () => {
    const { encode } = await import("next-auth/jwt");
    const legacy = await browser();
    legacy.cookies["next-auth.session-token"] = await encode({ token: { sub: ids.alice, email: ALICE.email }, secret: "test-secret" });
    expect(await principalOf(legacy)).toBeNull();
    // The same token with the account's current version is accepted: the claim is what decides.
    const { sessionVersion } = await prisma.user.findUniqueOrThrow({ where: { id: ids.alice } });
    legacy.cookies["next-auth.session-token"] = await encode({ token: { sub: ids.alice, email: ALICE.email, sessionVersion }, secret: "test-secret" });
    expect(await principalOf(legacy)).toBe(ALICE.email);
  });
});
