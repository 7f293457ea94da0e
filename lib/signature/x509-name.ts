/**
 * Distinguished names as people write them ("CN=release,O=Corp") and Notation's trusted identities
 * ("x509.subject: C=US, ST=WA, O=Corp"), matched the way the trust-policy spec says: every attribute
 * the identity names must be in the signing certificate's subject with the same value, in any order;
 * attributes the identity leaves out are not looked at ("a full and partial list").
 */
import type { DistinguishedName, NameAttribute } from "./x509-profile";

const SUBJECT_PREFIX = "x509.subject:";

/** Type names are case-insensitive; the spec accepts S as well as ST for the state. */
function canonicalType(type: string): string {
  const upper = type.trim().toUpperCase();
  return upper === "S" ? "ST" : upper;
}

function escapeValue(value: string): string {
  // RFC 4514 2.4: escape the specials, a leading "#" or space, and a trailing space
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

/** RFC 4514 order (least significant first): "CN=release,O=Corp". */
export function formatDistinguishedName(name: DistinguishedName): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join("+"))
    .join(",");
}

/** Splits on unescaped `,` and `+` (a multi-valued RDN matches attribute by attribute too). */
function splitAttributes(text: string): string[] | null {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      if (i + 1 >= text.length) return null;
      current += c + text[i + 1];
      i++;
    } else if (c === "," || c === "+") {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, "$1");
}

/**
 * The attributes of one trusted identity, or null when it is not an `x509.subject:` identity with
 * well-formed `TYPE=value` pairs. `"*"` is handled by the caller.
 */
export function parseTrustedIdentity(identity: string): NameAttribute[] | null {
  // only the start: a trailing blank may be an escaped part of the last value
  const trimmed = identity.trimStart();
  if (!trimmed.toLowerCase().startsWith(SUBJECT_PREFIX)) return null;
  const parts = splitAttributes(trimmed.slice(SUBJECT_PREFIX.length));
  if (!parts) return null;
  const attributes: NameAttribute[] = [];
  for (const part of parts) {
    // surrounding blanks separate RDNs; a blank that belongs to a value is escaped ("\ ")
    const text = part.replace(/^\s+/, "").replace(/(?<!\\)\s+$/, "");
    const eq = text.indexOf("=");
    if (eq <= 0) return null;
    const type = canonicalType(text.slice(0, eq));
    const value = unescape(text.slice(eq + 1).replace(/^\s+/, ""));
    if (!/^[A-Z][A-Z0-9-]*$|^\d+(\.\d+)+$/.test(type) || value === "") return null;
    attributes.push({ type, value });
  }
  return attributes.length ? attributes : null;
}

/** Whether `identity` (one entry of the trusted identities) admits a certificate with this subject. */
export function identityMatches(identity: string, subject: DistinguishedName): boolean {
  if (identity.trim() === "*") return true;
  const wanted = parseTrustedIdentity(identity);
  if (!wanted) return false;
  const present = subject.flat().map((a) => ({ type: canonicalType(a.type), value: a.value }));
  return wanted.every((w) => present.some((p) => p.type === w.type && p.value === w.value));
}
