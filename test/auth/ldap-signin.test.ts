import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "@/lib/auth/config-schema";
import { setAccessRules } from "@/lib/auth/group-access";
import { LDAP_DENIED } from "@/lib/auth/ldap";
import { signInWithLdap } from "@/lib/auth/ldap-signin";
import { SIGNIN_FAILED, signInWithPassword } from "@/lib/auth/signin";
import { createUser, listUsers, loadGrants, setUserDisabled } from "@/lib/auth/users";
import { configAndUiDirectory } from "@/lib/promotion/approval-policy";
import { LDAP_BASE, LDAP_SERVICE, startSlapd, type LdapUser, type RunningSlapd } from "../harness/slapd";
import { openTestDatabase, type TestDatabase } from "../support/db";

// The whole LDAP sign-in path on PGlite against a real slapd: just-in-time accounts, groups →
// roles at every request, audit rows, throttling, and the break-glass account when the directory is down.
const system = { actor: null, ip: null };
const BREAK_GLASS = { email: "breakglass@x.io", password: "break glass password" };
const LOCAL = { email: "local@x.io", password: "local user password" };
const ACCESS = [
  { group: "platform-admins", role: "admin" as const },
  { group: "team-a-release", role: "approver" as const, environment: "prod" },
];
const users = (aliceGroups: string[]): LdapUser[] => [
  { uid: "alice", password: "alice ldap password", mail: "alice@corp.example", cn: "Alice A", groups: aliceGroups },
  { uid: "carol", password: "carol ldap password", mail: "carol@corp.example", groups: ["Team-B-Release"] },
  { uid: "locky", password: "locky ldap password", mail: "locky@corp.example", locked: true },
  { uid: "local", password: "directory password", mail: LOCAL.email },
  ...Array.from({ length: 6 }, (_, i) => ({ uid: `u${i}`, password: `user ${i} password`, mail: `u${i}@corp.example` })),
];

process.env.SIGNIN_LDAP_BIND_PASSWORD = LDAP_SERVICE.password;
const settingsFor = (url: string) =>
  authConfig.parse({
    local: false,
    breakGlass: BREAK_GLASS.email,
    ldap: { url, bindDN: LDAP_SERVICE.dn, bindPassword: "${SIGNIN_LDAP_BIND_PASSWORD}", userBase: `ou=people,${LDAP_BASE}`, groupBase: `ou=groups,${LDAP_BASE}`, timeoutMs: 2000 },
  });

let db: TestDatabase;
let slapd: RunningSlapd;
let settings: ReturnType<typeof settingsFor>;

async function ldapSignIn(username: string, password: string, ip = "192.0.2.1") {
  return signInWithLdap(db.prisma, settings.ldap, { username, password }, ip);
}
async function audits() {
  return (await db.prisma.auditEvent.findMany({ where: { action: "auth.signin" }, orderBy: { id: "asc" } })).map((a) => ({ outcome: a.outcome, actor: a.actorEmail, detail: a.detail }));
}

beforeAll(async () => {
  setAccessRules(ACCESS);
  [db, slapd] = await Promise.all([openTestDatabase("pglite"), startSlapd(users(["platform-admins", "team-a-release"]))]);
  settings = settingsFor(slapd.url);
  await createUser(db.prisma, system, { email: BREAK_GLASS.email, password: BREAK_GLASS.password, grants: [{ role: "admin", environmentId: null }] });
  await createUser(db.prisma, system, { email: LOCAL.email, password: LOCAL.password, grants: [] });
}, 60_000);
afterAll(async () => {
  setAccessRules([]);
  await slapd?.stop();
  await db?.dispose();
});

describe("LDAP sign-in with just-in-time accounts", () => {
  it("creates the account at first sign-in; its groups grant roles at every request; the sign-in is audited with via: ldap", async () => {
    const user = await ldapSignIn("alice", "alice ldap password");
    expect(user).toMatchObject({ email: "alice@corp.example", name: "Alice A", sessionVersion: 0 });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ authSource: "ldap", groups: ["platform-admins", "team-a-release"], passwordHash: "" });
    expect((await loadGrants(db.prisma, user.id))?.grants).toEqual([
      { role: "admin", environment: null, group: "platform-admins" },
      { role: "approver", environment: "prod", group: "team-a-release" },
    ]);
    expect((await audits()).at(-1)).toEqual({ outcome: "success", actor: "alice@corp.example", detail: { via: "ldap", username: "alice", groups: ["platform-admins", "team-a-release"] } });
    // an LDAP account has no password to sign in with
    await expect(signInWithPassword(db.prisma, { email: "alice@corp.example", password: "" }, null)).rejects.toThrow(SIGNIN_FAILED);
  });

  it("the Users page lists group grants read-only, marked with their group", async () => {
    const alice = (await listUsers(db.prisma)).find((u) => u.email === "alice@corp.example")!;
    expect(alice).toMatchObject({ authSource: "ldap", grants: [], groupGrants: [{ role: "admin", environment: null, group: "platform-admins" }, { role: "approver", environment: "prod", group: "team-a-release" }] });
  });

  it("a group removed in the directory takes its role away at the next sign-in", async () => {
    await slapd.stop();
    slapd = await startSlapd(users(["team-a-release"]));
    settings = settingsFor(slapd.url);
    const user = await ldapSignIn("alice", "alice ldap password");
    expect((await loadGrants(db.prisma, user.id))?.grants).toEqual([{ role: "approver", environment: "prod", group: "team-a-release" }]);
    expect(await db.prisma.user.count({ where: { email: "alice@corp.example" } })).toBe(1);
  }, 30_000);

  it("wrong password, unknown user and a locked account get one message; the audit says which", async () => {
    await expect(ldapSignIn("alice", "wrong")).rejects.toThrow(LDAP_DENIED);
    await expect(ldapSignIn("nobody", "whatever")).rejects.toThrow(LDAP_DENIED);
    await expect(ldapSignIn("locky", "locky ldap password")).rejects.toThrow(LDAP_DENIED);
    await expect(ldapSignIn("*)(uid=*", "alice ldap password")).rejects.toThrow(LDAP_DENIED);
    expect((await audits()).slice(-4).map((a) => [a.outcome, (a.detail as { reason: string }).reason])).toEqual([
      ["failure", "wrong password"],
      ["failure", "unknown user"],
      ["failure", "account locked"],
      ["failure", "unknown user"],
    ]);
    expect(await db.prisma.user.count({ where: { email: "locky@corp.example" } })).toBe(0);
  });

  it("a disabled account is refused even with the right directory password", async () => {
    const alice = await db.prisma.user.findUniqueOrThrow({ where: { email: "alice@corp.example" } });
    await setUserDisabled(db.prisma, system, alice.id, true);
    await expect(ldapSignIn("alice", "alice ldap password")).rejects.toThrow(LDAP_DENIED);
    expect((await audits()).at(-1)).toMatchObject({ outcome: "failure", detail: { reason: "account disabled" } });
    await setUserDisabled(db.prisma, system, alice.id, false);
  });

  it("the directory cannot take over a local account with the same email", async () => {
    await expect(ldapSignIn("local", "directory password")).rejects.toThrow(LDAP_DENIED);
    expect((await audits()).at(-1)).toMatchObject({ outcome: "failure", detail: { reason: "email belongs to a local account" } });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email: LOCAL.email } })).authSource).toBe("local");
  });

  it("is throttled like password sign-in: the 6th guess for one name is refused, even with the right password", async () => {
    for (let i = 0; i < 5; i++) await expect(ldapSignIn("u0", `guess ${i}`, `198.51.100.${i}`)).rejects.toThrow(LDAP_DENIED);
    await expect(ldapSignIn("u0", "user 0 password", "198.51.100.9")).rejects.toThrow(/^Too many failed sign-ins/);
    expect((await audits()).at(-1)).toMatchObject({ outcome: "denied", detail: { via: "ldap", reason: "throttled" } });
  });

  it("approval groups can name directory groups: members are the enabled accounts holding the group, case-insensitively", async () => {
    await ldapSignIn("carol", "carol ldap password");
    expect(await configAndUiDirectory(db.prisma).members("prod", "team-b-release")).toEqual(["carol@corp.example"]);
    expect(await configAndUiDirectory(db.prisma).members("prod", "team-a-release")).toEqual(["alice@corp.example"]);
    expect(await configAndUiDirectory(db.prisma).members("prod", "platform-admins")).toEqual([]);
  });

  it("with local: false only the break-glass account signs in with a password", async () => {
    await expect(signInWithPassword(db.prisma, LOCAL, "192.0.2.50", settings)).rejects.toThrow(SIGNIN_FAILED);
    expect((await audits()).at(-1)).toMatchObject({ outcome: "denied", actor: LOCAL.email, detail: { reason: "local sign-in disabled (auth.local: false)" } });
    await expect(signInWithPassword(db.prisma, BREAK_GLASS, "192.0.2.50", settings)).resolves.toMatchObject({ email: BREAK_GLASS.email });
    // with local: true (the default) the local account signs in as before
    await expect(signInWithPassword(db.prisma, LOCAL, "192.0.2.50", { local: true })).resolves.toMatchObject({ email: LOCAL.email });
  });

  it("directory down: a clear message (logged and audited), never a crash, and the break-glass account still signs in", async () => {
    await slapd.stop();
    const expected = `The directory (${slapd.url}) cannot be reached: connection refused; local accounts and the break-glass account still sign in.`;
    await expect(ldapSignIn("carol", "carol ldap password")).rejects.toThrow(expected);
    expect((await audits()).at(-1)).toMatchObject({ outcome: "failure", detail: { via: "ldap", reason: "directory unavailable", error: expected } });
    await expect(signInWithPassword(db.prisma, BREAK_GLASS, "192.0.2.51", settings)).resolves.toMatchObject({ email: BREAK_GLASS.email });
    // an outage is not a guess: the 6th, 7th… attempt still gets the directory's message, not a lockout
    for (let i = 0; i < 6; i++) await expect(ldapSignIn("carol", "carol ldap password", "192.0.2.52")).rejects.toThrow(expected);
  });

  it("LDAP sign-in without auth.ldap says it is not configured", async () => {
    await expect(signInWithLdap(db.prisma, undefined, { username: "alice", password: "x" }, null)).rejects.toThrow("Directory sign-in is not configured.");
  });
});
