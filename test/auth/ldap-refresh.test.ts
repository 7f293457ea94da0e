import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "@/lib/auth/config-schema";
import { setAccessRules } from "@/lib/auth/group-access";
import { signInWithLdap } from "@/lib/auth/ldap-signin";
import { refreshDirectoryGroups } from "@/lib/auth/ldap-refresh";
import { loadGrants } from "@/lib/auth/users";
import { LDAP_BASE, LDAP_SERVICE, startSlapd, type LdapUser, type RunningSlapd } from "../harness/slapd";
import { openTestDatabase, type TestDatabase } from "../support/db";

// auth.ldap.groupRefreshMinutes: the service account re-reads groups between sign-ins (real slapd, PGlite).
process.env.REFRESH_LDAP_BIND_PASSWORD = LDAP_SERVICE.password;
const ACCESS = [{ group: "platform-admins", role: "admin" as const }];
const alice = (groups: string[]): LdapUser => ({ uid: "alice", password: "alice ldap password", mail: "alice@corp.example", groups });
const bob: LdapUser = { uid: "bob", password: "bob ldap password", mail: "bob@corp.example", groups: ["platform-admins"] };
const cfgFor = (url: string) =>
  authConfig.parse({
    ldap: { url, bindDN: LDAP_SERVICE.dn, bindPassword: "${REFRESH_LDAP_BIND_PASSWORD}", userBase: `ou=people,${LDAP_BASE}`, groupBase: `ou=groups,${LDAP_BASE}`, groupRefreshMinutes: 5, timeoutMs: 2000 },
  }).ldap!;

let db: TestDatabase;
let slapd: RunningSlapd;
let aliceId = "";

async function directory(users: LdapUser[]) {
  await slapd?.stop();
  slapd = await startSlapd(users);
  return cfgFor(slapd.url);
}
const groupsOf = async (email: string) => (await db.prisma.user.findUniqueOrThrow({ where: { email } })).groups;

beforeAll(async () => {
  setAccessRules(ACCESS);
  db = await openTestDatabase("pglite");
  const cfg = await directory([alice(["platform-admins"]), bob]);
  aliceId = (await signInWithLdap(db.prisma, cfg, { username: "alice", password: "alice ldap password" }, null)).id;
  await signInWithLdap(db.prisma, cfg, { username: "bob", password: "bob ldap password" }, null);
}, 60_000);
afterAll(async () => {
  setAccessRules([]);
  await slapd?.stop();
  await db?.dispose();
});

describe("periodic LDAP group refresh", () => {
  it("nothing changed in the directory: nothing written", async () => {
    expect(await refreshDirectoryGroups(db.prisma, cfgFor(slapd.url))).toEqual({ checked: 2, changed: 0 });
    expect(await db.prisma.auditEvent.count({ where: { action: "user.groups-refresh" } })).toBe(0);
  });

  it("a group removed in the directory takes the role away without a new sign-in, audited", async () => {
    expect((await loadGrants(db.prisma, aliceId))?.grants).toEqual([{ role: "admin", environment: null, group: "platform-admins" }]);
    const cfg = await directory([alice(["release"]), bob]);
    expect(await refreshDirectoryGroups(db.prisma, cfg)).toEqual({ checked: 2, changed: 1 });
    expect(await groupsOf("alice@corp.example")).toEqual(["release"]);
    expect((await loadGrants(db.prisma, aliceId))?.grants).toEqual([]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.groups-refresh" } });
    expect(audit).toMatchObject({ targetId: "alice@corp.example", detail: { via: "ldap", before: ["platform-admins"], after: ["release"] } });
  }, 30_000);

  it("a directory that is down changes nothing (an outage must not strip roles)", async () => {
    const cfg = cfgFor(slapd.url);
    await slapd.stop();
    const r = await refreshDirectoryGroups(db.prisma, cfg);
    expect(r).toMatchObject({ checked: 0, changed: 0, error: expect.stringContaining("connection refused") });
    expect(await groupsOf("bob@corp.example")).toEqual(["platform-admins"]);
  });

  it("an entry deleted from the directory keeps no group", async () => {
    const cfg = await directory([alice(["release"])]);
    expect(await refreshDirectoryGroups(db.prisma, cfg)).toEqual({ checked: 2, changed: 1 });
    expect(await groupsOf("bob@corp.example")).toEqual([]);
    expect(await groupsOf("alice@corp.example")).toEqual(["release"]);
  }, 30_000);
});
