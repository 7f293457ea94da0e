/**
 * LDAP sign-in (dockmaster.yaml auth.ldap, ./identity-config.ts) with ldapts: either search-then-bind
 * (the service account finds the person's entry under userBase, then we bind as that entry) or a
 * direct bind to the userDN template. Groups are read under groupBase with groupFilter.
 *
 * Every outcome is a value, never a throw: the sign-in form must get a sentence, not a 500.
 * "denied" covers everything the person can fix by typing again (wrong password, unknown user,
 * locked account) and tells them nothing more, so the directory cannot be probed for names; the
 * audit detail says which it was. "unavailable" covers what only an operator can fix.
 */
import { Client, InvalidCredentialsError, escapeFilter, type Entry } from "ldapts";
import { envRefName } from "@/lib/config/names";
import type { LdapConfig } from "./identity-config";

export interface LdapIdentity {
  dn: string;
  username: string;
  email: string;
  name: string | null;
  groups: string[];
}

type DeniedReason = "empty password" | "wrong password" | "wrong password or unknown user" | "unknown user" | "ambiguous user" | "account locked" | "no email";

type LdapOutcome =
  | { ok: true; identity: LdapIdentity }
  | { ok: false; kind: "denied"; reason: DeniedReason }
  | { ok: false; kind: "unavailable"; message: string };

export const LDAP_DENIED = "Wrong username or password.";

/** What the sign-in form shows when the directory itself is the problem. */
function unavailableMessage(cfg: Pick<LdapConfig, "url">, cause: string): string {
  return `The directory (${cfg.url}) cannot be reached: ${cause}; local accounts and the break-glass account still sign in.`;
}

/** A filter value typed by a person: "*)(uid=*" must match nothing but itself (RFC 4515). */
function filterValue(value: string): string {
  return escapeFilter`${value}`;
}

/** An attribute value placed into a DN (RFC 4514), so a username cannot add RDNs or change the base. */
function dnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/\0/g, "\\00")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

class Unavailable extends Error {}

function bindPassword(cfg: LdapConfig): string {
  const name = envRefName(cfg.bindPassword);
  const value = name ? process.env[name] : undefined;
  if (!value) throw new Unavailable(`the service account's password (${cfg.bindPassword}) is not set in the environment`);
  return value;
}

function first(entry: Entry, attribute: string): string | null {
  const v = entry[attribute];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  return Buffer.isBuffer(one) ? one.toString("utf8") : String(one);
}

function all(entry: Entry, attribute: string): string[] {
  const v = entry[attribute];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x)));
}

/** Why a connection-level failure happened, in words an operator acts on. */
function describeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { message: string };
  const code = e.code ?? "";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found";
  if (code === "ETIMEDOUT" || /timeout|timed out/i.test(e.message)) return "no answer in time";
  if (/CERT|SELF_SIGNED|UNABLE_TO|TLS|SSL|HOSTNAME|ERR_SSL/i.test(code) || /certificate|tls|ssl/i.test(e.message)) return `TLS failed (${e.message})`;
  if (code === "ECONNRESET" || code === "EPIPE") return "the connection was closed";
  return e.message || String(err);
}

function tlsSettings(cfg: LdapConfig) {
  return { ca: cfg.caPem ? [cfg.caPem] : undefined, minVersion: "TLSv1.2" as const };
}

function clientFor(cfg: LdapConfig): Client {
  // ldapts opens TLS whenever tlsOptions are given, so only ldaps:// gets them (StartTLS passes its own).
  const tlsOptions = cfg.url.startsWith("ldaps:") ? tlsSettings(cfg) : undefined;
  return new Client({ url: cfg.url, timeout: cfg.timeoutMs, connectTimeout: cfg.timeoutMs, tlsOptions, strictDN: false });
}

/** StartTLS before anything else is sent (auth.ldap.startTLS). */
async function upgrade(client: Client, cfg: LdapConfig): Promise<void> {
  // host: ldapts would otherwise check the certificate against "localhost", not the URL's host
  if (cfg.startTLS) await client.startTLS({ ...tlsSettings(cfg), host: new URL(cfg.url).hostname });
}

async function findUser(client: Client, cfg: LdapConfig, username: string): Promise<Entry[]> {
  await client.bind(cfg.bindDN!, bindPassword(cfg)).catch((err) => {
    if (err instanceof InvalidCredentialsError) throw new Unavailable(`the service account ${cfg.bindDN} was refused (check bindDN and bindPassword)`);
    throw err;
  });
  const filter = cfg.userFilter.replaceAll("{username}", filterValue(username));
  const { searchEntries } = await client.search(cfg.userBase!, {
    scope: "sub",
    filter,
    sizeLimit: 2,
    attributes: [cfg.emailAttribute, cfg.nameAttribute, "pwdAccountLockedTime"],
  });
  return searchEntries;
}

async function readGroups(client: Client, cfg: LdapConfig, dn: string, username: string): Promise<string[]> {
  if (!cfg.groupBase) return [];
  const filter = cfg.groupFilter.replaceAll("{dn}", filterValue(dn)).replaceAll("{username}", filterValue(username));
  const { searchEntries } = await client.search(cfg.groupBase, { scope: "sub", filter, attributes: [cfg.groupNameAttribute] });
  return [...new Set(searchEntries.flatMap((e) => all(e, cfg.groupNameAttribute)))].sort();
}

/** Reads an entry's own attributes after binding as it (direct bind has no service account). */
async function readSelf(client: Client, cfg: LdapConfig, dn: string): Promise<Entry | undefined> {
  const { searchEntries } = await client.search(dn, { scope: "base", filter: "(objectClass=*)", attributes: [cfg.emailAttribute, cfg.nameAttribute] });
  return searchEntries[0];
}

/**
 * Checks `username`/`password` against the directory and returns who it is with their groups.
 * Groups are read with the service account when there is one (users may not see groups), else as
 * the person just bound.
 */
export async function authenticateLdap(cfg: LdapConfig, username: string, password: string): Promise<LdapOutcome> {
  const name = username.trim();
  // An empty password makes a simple bind "unauthenticated" and servers answer it with success.
  if (!password) return { ok: false, kind: "denied", reason: "empty password" };
  if (!name) return { ok: false, kind: "denied", reason: "unknown user" };
  const client = clientFor(cfg);
  try {
    await upgrade(client, cfg);
    let dn: string;
    let entry: Entry | undefined;
    if (cfg.bindDN) {
      const found = await findUser(client, cfg, name);
      if (found.length === 0) return { ok: false, kind: "denied", reason: "unknown user" };
      if (found.length > 1) return { ok: false, kind: "denied", reason: "ambiguous user" };
      entry = found[0]!;
      dn = entry.dn;
    } else {
      dn = cfg.userDN!.replaceAll("{username}", dnValue(name));
    }
    try {
      await client.bind(dn, password);
    } catch (err) {
      if (!(err instanceof InvalidCredentialsError)) throw err;
      // slapd's ppolicy answers a locked account like a wrong password; the service account's
      // search read the lock, so the audit row can tell them apart (direct bind cannot).
      if (entry && first(entry, "pwdAccountLockedTime")) return { ok: false, kind: "denied", reason: "account locked" };
      return { ok: false, kind: "denied", reason: cfg.bindDN ? "wrong password" : "wrong password or unknown user" };
    }
    // Direct bind has no entry yet: read it as the person (search-then-bind read it already).
    entry ??= await readSelf(client, cfg, dn);
    // Groups with the service account's rights when there is one: people often cannot read groups.
    if (cfg.bindDN) await client.bind(cfg.bindDN, bindPassword(cfg));
    const groups = await readGroups(client, cfg, dn, name);
    const email = entry ? first(entry, cfg.emailAttribute) : null;
    if (!email) return { ok: false, kind: "denied", reason: "no email" };
    return { ok: true, identity: { dn, username: name, email: email.trim().toLowerCase(), name: entry ? first(entry, cfg.nameAttribute) : null, groups } };
  } catch (err) {
    return { ok: false, kind: "unavailable", message: unavailableMessage(cfg, err instanceof Unavailable ? err.message : describeFailure(err)) };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

type GroupLookup = { found: true; groups: string[] } | { found: false } | { found: null; message: string };

/**
 * The groups the directory holds now for the account with this email, read with the service account
 * (the periodic refresh, ./ldap-refresh.ts): no password is involved. found: false when no entry
 * (or more than one) carries the email; found: null when the directory cannot answer.
 */
export async function lookupDirectoryGroups(cfg: LdapConfig, email: string): Promise<GroupLookup> {
  const client = clientFor(cfg);
  try {
    await upgrade(client, cfg);
    await client.bind(cfg.bindDN!, bindPassword(cfg)).catch((err) => {
      if (err instanceof InvalidCredentialsError) throw new Unavailable(`the service account ${cfg.bindDN} was refused (check bindDN and bindPassword)`);
      throw err;
    });
    const { searchEntries } = await client.search(cfg.userBase!, { scope: "sub", filter: `(${cfg.emailAttribute}=${filterValue(email)})`, sizeLimit: 2, attributes: ["uid"] });
    if (searchEntries.length !== 1) return { found: false };
    const entry = searchEntries[0]!;
    return { found: true, groups: await readGroups(client, cfg, entry.dn, first(entry, "uid") ?? "") };
  } catch (err) {
    return { found: null, message: unavailableMessage(cfg, err instanceof Unavailable ? err.message : describeFailure(err)) };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
