import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupsFrom, OidcSignInRefused, refreshGroups, signInWithOidcClaims } from "@/lib/auth/oidc-account";
import { SIGNIN_FAILED, signInWithPassword } from "@/lib/auth/signin";
import { createUser, loadGrants } from "@/lib/auth/users";
import { groupGrants } from "@/lib/auth/group-access";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const system = { actor: null, ip: null };
const rules = [{ group: "platform-admins", role: "admin" as const }];

describe("groupsFrom", () => {
  it("reads an array or a single string, and nothing else", () => {
    expect(groupsFrom({ groups: ["a", "", 3, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsFrom({ roles: "ops" }, "roles")).toEqual(["ops"]);
    expect(groupsFrom({ groups: { a: 1 } }, "groups")).toBeUndefined();
    expect(groupsFrom({}, "groups")).toBeUndefined();
  });
});

describe.each(dbKinds)("OIDC accounts and local:false on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await createUser(db.prisma, system, { email: "root@x.io", password: "break glass password", grants: [] });
    await createUser(db.prisma, system, { email: "dev@x.io", password: "a local password", grants: [] });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("creates the account on first sign-in with no usable password, and refreshes groups and name on the next", async () => {
    const first = await signInWithOidcClaims(db.prisma, { sub: "1", email: "Alice@Corp.test", name: "Alice", groups: ["platform-admins"] }, "groups", "10.0.0.1");
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({ email: "alice@corp.test", authSource: "oidc", groups: ["platform-admins"], passwordHash: "" });
    expect(groupGrants(row.groups, rules)).toEqual([{ role: "admin", environment: null, group: "platform-admins" }]);
    await expect(signInWithPassword(db.prisma, { email: "alice@corp.test", password: "any guess" }, null)).rejects.toThrow(SIGNIN_FAILED);

    const again = await signInWithOidcClaims(db.prisma, { sub: "1", email: "alice@corp.test", name: "Alice B", groups: [] }, "groups", null);
    expect(again.id).toBe(first.id);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ groups: [], name: "Alice B" });
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "auth.signin", actorEmail: "alice@corp.test" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.outcome, (a.detail as { method?: string; created?: boolean }).created])).toEqual([["success", true], ["failure", undefined], ["success", false]]);
  });

  it("refuses a disabled account, an unverified email and a missing email, each with an audit row", async () => {
    const u = await signInWithOidcClaims(db.prisma, { sub: "2", email: "gone@corp.test", groups: [] }, "groups", null);
    await db.prisma.user.update({ where: { id: u.id }, data: { disabled: true } });
    await expect(signInWithOidcClaims(db.prisma, { sub: "2", email: "gone@corp.test" }, "groups", null)).rejects.toThrow("This account is disabled.");
    await expect(signInWithOidcClaims(db.prisma, { sub: "3", email: "x@corp.test", email_verified: false }, "groups", null)).rejects.toBeInstanceOf(OidcSignInRefused);
    await expect(signInWithOidcClaims(db.prisma, { sub: "4" }, "groups", null)).rejects.toThrow(/sent no email address/);
    expect(await db.prisma.user.findUnique({ where: { email: "x@corp.test" } })).toBeNull();
    const reasons = (await db.prisma.auditEvent.findMany({ where: { action: "auth.signin", outcome: "failure" }, orderBy: { id: "asc" } })).map((a) => (a.detail as { reason: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining(["account disabled", "email not verified", "no email claim"]));
  });

  it("a userinfo re-read replaces the groups, and leaves them when userinfo does not carry the claim", async () => {
    const u = await signInWithOidcClaims(db.prisma, { sub: "5", email: "carol@corp.test", groups: ["platform-admins"] }, "groups", null);
    await refreshGroups(db.prisma, u.id, { sub: "5" }, "groups");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).groups).toEqual(["platform-admins"]);
    await refreshGroups(db.prisma, u.id, { sub: "5", groups: ["team-a"] }, "groups");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).groups).toEqual(["team-a"]);
    expect((await loadGrants(db.prisma, u.id))?.grants).toEqual([]);
  });

  it("auth.local: false refuses every password but the break-glass account's, before checking it", async () => {
    const policy = { local: false, breakGlass: "ROOT@x.io" };
    await expect(signInWithPassword(db.prisma, { email: "dev@x.io", password: "a local password" }, null, policy)).rejects.toThrow(SIGNIN_FAILED);
    await expect(signInWithPassword(db.prisma, { email: "root@x.io", password: "break glass password" }, null, policy)).resolves.toMatchObject({ email: "root@x.io" });
    await expect(signInWithPassword(db.prisma, { email: "root@x.io", password: "wrong" }, null, policy)).rejects.toThrow(SIGNIN_FAILED);
    await expect(signInWithPassword(db.prisma, { email: "dev@x.io", password: "a local password" }, null, { local: true })).resolves.toMatchObject({ email: "dev@x.io" });
    const denied = await db.prisma.auditEvent.findFirst({ where: { action: "auth.signin", actorEmail: "dev@x.io", outcome: "denied" } });
    expect(denied?.detail).toEqual({ reason: "local sign-in disabled (auth.local: false)" });
  });
});
