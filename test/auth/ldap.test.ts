import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig } from "@/lib/auth/config-schema";
import { groupGrants } from "@/lib/auth/group-access";
import { authenticateLdap } from "@/lib/auth/ldap";
import { LDAP_BASE, LDAP_SERVICE, startSlapd, type LdapUser, type RunningSlapd } from "../harness/slapd";
import { makeTempDir, removeDir } from "../harness/temp-dir";
import { loopbackCertificate } from "../harness/tls-cert";

// A real slapd (Debian's) per server flavour: plain, LDAPS, StartTLS. Nothing is mocked.
const USERS: LdapUser[] = [
  { uid: "alice", password: "alice ldap password", mail: "Alice@Corp.Example", cn: "Alice Admin", groups: ["platform-admins", "team-a-release"] },
  { uid: "bob", password: "bob ldap password", mail: "bob@corp.example", groups: ["team-a-release"] },
  { uid: "locky", password: "locky ldap password", mail: "locky@corp.example", locked: true },
  { uid: "nomail", password: "nomail password", mail: "placeholder@corp.example" },
];
const ACCESS = [
  { group: "platform-admins", role: "admin" as const },
  { group: "team-a-release", role: "approver" as const, environment: "prod" },
];

process.env.TEST_LDAP_BIND_PASSWORD = LDAP_SERVICE.password;

function ldapCfg(fields: Record<string, unknown>) {
  const ldap = authConfig.parse({ ldap: fields }).ldap;
  if (!ldap) throw new Error("no ldap config");
  return ldap;
}

const searchThenBind = (url: string, extra: Record<string, unknown> = {}) =>
  ldapCfg({
    url,
    bindDN: LDAP_SERVICE.dn,
    bindPassword: "${TEST_LDAP_BIND_PASSWORD}",
    userBase: `ou=people,${LDAP_BASE}`,
    groupBase: `ou=groups,${LDAP_BASE}`,
    timeoutMs: 2000,
    ...extra,
  });

let plain: RunningSlapd;
const cert = loopbackCertificate();
const tmp = makeTempDir("ldap-ca");
const caFile = path.join(tmp, "ca.pem");
const wrongCaFile = path.join(tmp, "wrong-ca.pem");
fs.writeFileSync(caFile, cert.certPem);
fs.writeFileSync(wrongCaFile, loopbackCertificate().certPem);

beforeAll(async () => {
  plain = await startSlapd(USERS);
}, 30_000);
afterAll(async () => {
  await plain?.stop();
  removeDir(tmp);
});

describe("LDAP sign-in against a real slapd", () => {
  it("search-then-bind finds the entry, binds as it, reads email, name and groups; the groups earn roles through access rules", async () => {
    const r = await authenticateLdap(searchThenBind(plain.url), "alice", "alice ldap password");
    expect(r).toEqual({
      ok: true,
      identity: { dn: `uid=alice,ou=people,${LDAP_BASE}`, username: "alice", email: "alice@corp.example", name: "Alice Admin", groups: ["platform-admins", "team-a-release"] },
    });
    if (!r.ok) return;
    expect(groupGrants(r.identity.groups, ACCESS)).toEqual([
      { role: "admin", environment: null, group: "platform-admins" },
      { role: "approver", environment: "prod", group: "team-a-release" },
    ]);
    const bob = await authenticateLdap(searchThenBind(plain.url), "bob", "bob ldap password");
    expect(bob.ok && groupGrants(bob.identity.groups, ACCESS)).toEqual([{ role: "approver", environment: "prod", group: "team-a-release" }]);
  });

  it("direct bind to the userDN template works without a service account (groups read as the user)", async () => {
    const cfg = ldapCfg({ url: plain.url, userDN: `uid={username},ou=people,${LDAP_BASE}`, groupBase: `ou=groups,${LDAP_BASE}` });
    const r = await authenticateLdap(cfg, "bob", "bob ldap password");
    expect(r).toMatchObject({ ok: true, identity: { email: "bob@corp.example", groups: ["team-a-release"] } });
    expect(await authenticateLdap(cfg, "bob", "wrong")).toEqual({ ok: false, kind: "denied", reason: "wrong password or unknown user" });
    // a username that tries to add RDNs stays one escaped value: no such entry
    expect(await authenticateLdap(cfg, "bob,ou=people", "bob ldap password")).toMatchObject({ ok: false, kind: "denied" });
  });

  it("wrong password, unknown user, locked account and an empty password are refused, each with its own audit reason", async () => {
    const cfg = searchThenBind(plain.url);
    expect(await authenticateLdap(cfg, "alice", "not her password")).toEqual({ ok: false, kind: "denied", reason: "wrong password" });
    expect(await authenticateLdap(cfg, "mallory", "whatever")).toEqual({ ok: false, kind: "denied", reason: "unknown user" });
    // the right password: ppolicy's lock is what refuses it
    expect(await authenticateLdap(cfg, "locky", "locky ldap password")).toEqual({ ok: false, kind: "denied", reason: "account locked" });
    // an empty password would be an unauthenticated bind, which servers answer with success
    expect(await authenticateLdap(cfg, "alice", "")).toEqual({ ok: false, kind: "denied", reason: "empty password" });
  });

  it("a filter injection in the username matches nothing", async () => {
    const cfg = searchThenBind(plain.url);
    expect(await authenticateLdap(cfg, "*)(uid=*", "alice ldap password")).toEqual({ ok: false, kind: "denied", reason: "unknown user" });
    expect(await authenticateLdap(cfg, "*", "alice ldap password")).toEqual({ ok: false, kind: "denied", reason: "unknown user" });
    expect(await authenticateLdap(cfg, "alice)(|(uid=*", "alice ldap password")).toEqual({ ok: false, kind: "denied", reason: "unknown user" });
  });

  it("a refused service account or a missing bindPassword variable is the operator's problem, said plainly", async () => {
    process.env.TEST_LDAP_WRONG_BIND = "nope";
    const wrong = await authenticateLdap(searchThenBind(plain.url, { bindPassword: "${TEST_LDAP_WRONG_BIND}" }), "alice", "alice ldap password");
    expect(wrong).toEqual({ ok: false, kind: "unavailable", message: expect.stringContaining(`the service account ${LDAP_SERVICE.dn} was refused`) });
    const unset = await authenticateLdap(searchThenBind(plain.url, { bindPassword: "${TEST_LDAP_UNSET_VAR}" }), "alice", "alice ldap password");
    expect(unset).toMatchObject({ kind: "unavailable", message: expect.stringContaining("${TEST_LDAP_UNSET_VAR}) is not set") });
  });

  it("a directory that is down gives a clear message naming it, quickly", async () => {
    const down = await startSlapd(USERS);
    const cfg = searchThenBind(down.url);
    await down.stop();
    const started = Date.now();
    const r = await authenticateLdap(cfg, "alice", "alice ldap password");
    expect(r).toEqual({
      ok: false,
      kind: "unavailable",
      message: `The directory (${down.url}) cannot be reached: connection refused; local accounts and the break-glass account still sign in.`,
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("LDAPS: trusted through caFile; a wrong CA is a clear TLS message", async () => {
    const tls = await startSlapd(USERS, { tls: cert });
    try {
      expect(tls.url).toMatch(/^ldaps:/);
      expect(await authenticateLdap(searchThenBind(tls.url, { caFile }), "alice", "alice ldap password")).toMatchObject({ ok: true, identity: { email: "alice@corp.example" } });
      const r = await authenticateLdap(searchThenBind(tls.url, { caFile: wrongCaFile }), "alice", "alice ldap password");
      expect(r).toMatchObject({ ok: false, kind: "unavailable", message: expect.stringMatching(new RegExp(`^The directory \\(${tls.url.replaceAll(".", "\\.")}\\) cannot be reached: TLS failed \\(.*certificate`)) });
    } finally {
      await tls.stop();
    }
  });

  it("StartTLS upgrades an ldap:// connection, verified against caFile", async () => {
    const s = await startSlapd(USERS, { tls: cert, startTLS: true });
    try {
      expect(s.url).toMatch(/^ldap:/);
      expect(await authenticateLdap(searchThenBind(s.url, { startTLS: true, caFile }), "bob", "bob ldap password")).toMatchObject({ ok: true, identity: { email: "bob@corp.example" } });
      const r = await authenticateLdap(searchThenBind(s.url, { startTLS: true, caFile: wrongCaFile }), "bob", "bob ldap password");
      expect(r).toMatchObject({ ok: false, kind: "unavailable", message: expect.stringContaining("TLS failed") });
    } finally {
      await s.stop();
    }
  });
});
