/**
 * A real OpenLDAP server (Debian's slapd) on a free loopback port, for LDAP sign-in tests: an MDB
 * database under dc=example,dc=com loaded with slapadd, the ppolicy overlay (so a locked account is
 * refused by the server itself), optionally LDAPS with the loopback certificate. Runs under the
 * harness watchdog like docker-registry, so it never outlives the test process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { guardChild, watchdogScript } from "./child-guard";
import { freePort } from "./free-port";
import { makeTempDir, removeDir } from "./temp-dir";
import type { LoopbackCertificate } from "./tls-cert";

const SLAPD = "/usr/sbin/slapd";
const SLAPADD = "/usr/sbin/slapadd";
const SLAPPASSWD = "/usr/sbin/slappasswd";
export const LDAP_BASE = "dc=example,dc=com";
export const LDAP_SERVICE = { dn: `cn=dockmaster,${LDAP_BASE}`, password: "service-secret" };

export interface LdapUser {
  uid: string;
  password: string;
  mail: string;
  cn?: string;
  groups?: string[];
  locked?: boolean;
}

export interface RunningSlapd {
  /** ldap://127.0.0.1:PORT (or ldaps:// with tls) */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function hash(password: string): string {
  const r = spawnSync(SLAPPASSWD, ["-s", password], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`slappasswd failed: ${r.stderr}`);
  return r.stdout.trim();
}

function ldif(users: LdapUser[]): string {
  const groups = new Map<string, string[]>();
  for (const u of users) for (const g of u.groups ?? []) groups.set(g, [...(groups.get(g) ?? []), `uid=${u.uid},ou=people,${LDAP_BASE}`]);
  const entries = [
    `dn: ${LDAP_BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    `dn: ${LDAP_SERVICE.dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: dockmaster\nuserPassword: ${hash(LDAP_SERVICE.password)}`,
    `dn: ou=people,${LDAP_BASE}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=groups,${LDAP_BASE}\nobjectClass: organizationalUnit\nou: groups`,
    // the default password policy: lockout on, so pwdAccountLockedTime locks an account
    `dn: cn=default,${LDAP_BASE}\nobjectClass: applicationProcess\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdLockout: TRUE`,
    ...users.map(
      (u) =>
        `dn: uid=${u.uid},ou=people,${LDAP_BASE}\nobjectClass: inetOrgPerson\nuid: ${u.uid}\ncn: ${u.cn ?? u.uid}\nsn: ${u.uid}\nmail: ${u.mail}\nuserPassword: ${hash(u.password)}` +
        (u.locked ? "\npwdAccountLockedTime: 000001010000Z" : ""),
    ),
    ...[...groups].map(([g, members]) => `dn: cn=${g},ou=groups,${LDAP_BASE}\nobjectClass: groupOfNames\ncn: ${g}\n${members.map((m) => `member: ${m}`).join("\n")}`),
  ];
  return entries.join("\n\n") + "\n";
}

function slapdConf(dir: string, tls?: { cert: string; key: string }): string {
  return [
    "include /etc/ldap/schema/core.schema",
    "include /etc/ldap/schema/cosine.schema",
    "include /etc/ldap/schema/inetorgperson.schema",
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "moduleload ppolicy",
    `pidfile ${path.join(dir, "slapd.pid")}`,
    ...(tls ? [`TLSCertificateFile ${tls.cert}`, `TLSCertificateKeyFile ${tls.key}`] : []),
    "database mdb",
    `suffix "${LDAP_BASE}"`,
    `rootdn "cn=root,${LDAP_BASE}"`,
    `directory ${path.join(dir, "db")}`,
    "maxsize 33554432",
    "overlay ppolicy",
    `ppolicy_default "cn=default,${LDAP_BASE}"`,
    // users may read their own entry and groups; the service account may read everything; nobody
    // else sees anything, so a sign-in that skipped its bind could not read a group
    `access to attrs=userPassword by self write by anonymous auth by * none`,
    `access to * by dn.exact="${LDAP_SERVICE.dn}" read by users read by * none`,
  ].join("\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
  });
}

/** tls: LDAPS with that certificate; with startTLS too, plain ldap:// that clients upgrade with StartTLS. */
export async function startSlapd(users: LdapUser[], o: { tls?: LoopbackCertificate; startTLS?: boolean } = {}): Promise<RunningSlapd> {
  const dir = makeTempDir("slapd");
  fs.mkdirSync(path.join(dir, "db"));
  let tlsFiles: { cert: string; key: string } | undefined;
  if (o.tls) {
    tlsFiles = { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
    fs.writeFileSync(tlsFiles.cert, o.tls.certPem);
    fs.writeFileSync(tlsFiles.key, o.tls.keyPem, { mode: 0o600 });
  }
  const conf = path.join(dir, "slapd.conf");
  fs.writeFileSync(conf, slapdConf(dir, tlsFiles));
  const data = path.join(dir, "data.ldif");
  fs.writeFileSync(data, ldif(users));
  const added = spawnSync(SLAPADD, ["-f", conf, "-l", data], { encoding: "utf8" });
  if (added.status !== 0) {
    removeDir(dir);
    throw new Error(`slapadd failed: ${added.stderr}`);
  }
  const port = await freePort();
  const url = `${o.tls && !o.startTLS ? "ldaps" : "ldap"}://127.0.0.1:${port}`;
  const log = path.join(dir, "slapd.log");
  const fd = fs.openSync(log, "a");
  // -d 0: stay in the foreground (the watchdog owns it) without debug output
  const child: ChildProcess = spawn("/bin/sh", ["-c", watchdogScript, "sh", String(process.pid), dir, SLAPD, "-d", "0", "-f", conf, "-h", url], { stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  guardChild(child);
  child.unref();
  let exited = false;
  const exit = new Promise<void>((r) => child.once("exit", () => ((exited = true), r())));
  const deadline = Date.now() + 15_000;
  while (!(await accepting(port))) {
    if (exited || Date.now() > deadline) {
      const output = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
      if (!exited) child.kill("SIGTERM");
      removeDir(dir);
      throw new Error(`slapd did not start on ${url}:\n${output}`);
    }
    await sleep(50);
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () =>
      (stopping ??= (async () => {
        if (!exited) {
          child.ref();
          child.kill("SIGTERM");
          await exit;
        }
        removeDir(dir);
      })()),
  };
}
