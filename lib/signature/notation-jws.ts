/**
 * The Notation JWS envelope (specs/signing/notation-signature-envelope-jws.md): flattened JWS JSON
 * serialization `{payload, protected, header: {x5c, …}, signature}`, its protected header, and the
 * primitive signature over `BASE64URL(protected) "." BASE64URL(payload)`.
 */
import crypto, { type KeyObject } from "node:crypto";
import { invalid, Rejection } from "./rejection";

const NOTATION_PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";

const SIGNING_SCHEME = "io.cncf.notary.signingScheme";
const SIGNING_TIME = "io.cncf.notary.signingTime";
const AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
const EXPIRY = "io.cncf.notary.expiry";
const VERIFICATION_PLUGIN = "io.cncf.notary.verificationPlugin";
const VERIFICATION_PLUGIN_MIN_VERSION = "io.cncf.notary.verificationPluginMinVersion";
/** the critical headers this verifier understands; any other one in `crit` must fail verification */
const UNDERSTOOD_CRITICAL = new Set([SIGNING_SCHEME, AUTHENTIC_SIGNING_TIME, EXPIRY, VERIFICATION_PLUGIN, VERIFICATION_PLUGIN_MIN_VERSION]);
/** a chain longer than this is not a code-signing chain anyone issues */
const MAX_CHAIN_LENGTH = 10;

/** The spec's allowed `alg` values and the hash each one signs with. */
const ALGORITHMS = {
  PS256: { hash: "sha256", family: "rsa" },
  PS384: { hash: "sha384", family: "rsa" },
  PS512: { hash: "sha512", family: "rsa" },
  ES256: { hash: "sha256", family: "ec" },
  ES384: { hash: "sha384", family: "ec" },
  ES512: { hash: "sha512", family: "ec" },
} as const;
type JwsAlgorithm = keyof typeof ALGORITHMS;

export interface NotationEnvelope {
  alg: JwsAlgorithm;
  signingTime: Date;
  expiry?: Date;
  /** the decoded payload bytes (parse only after the signature verified) */
  payload: Buffer;
  /** DER certificates, signing certificate first */
  x5c: Buffer[];
  signingInput: Buffer;
  signature: Buffer;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function base64url(value: unknown, what: string): Buffer {
  // Buffer.from skips characters it does not know; a signature must not be read leniently
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid(`${what} is not base64url`);
  return Buffer.from(value, "base64url");
}

function rfc3339(value: unknown, what: string): Date {
  const ok = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value);
  const date = ok ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw invalid(`${what} is not an RFC 3339 time`);
  return date;
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalid(`${what} is not JSON`);
  }
}

function checkProtectedHeader(header: Record<string, unknown>): Pick<NotationEnvelope, "alg" | "signingTime" | "expiry"> {
  const alg = header.alg;
  if (typeof alg !== "string" || !Object.hasOwn(ALGORITHMS, alg)) throw invalid(`unsupported alg ${JSON.stringify(alg)}`);
  if (header.cty !== NOTATION_PAYLOAD_TYPE) throw invalid(`content type ${JSON.stringify(header.cty)} is not ${NOTATION_PAYLOAD_TYPE}`);

  const crit = header.crit;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c): c is string => typeof c === "string")) throw invalid("the crit header is missing");
  for (const name of crit) {
    if (!UNDERSTOOD_CRITICAL.has(name)) throw invalid(`unknown critical header ${name}`);
    if (!(name in header)) throw invalid(`critical header ${name} is absent`);
  }
  for (const name of [SIGNING_SCHEME, AUTHENTIC_SIGNING_TIME, EXPIRY]) {
    if (name in header && !crit.includes(name)) throw invalid(`header ${name} is not marked critical`);
  }

  const scheme = header[SIGNING_SCHEME];
  if (scheme === "notary.x509.signingAuthority") throw new Rejection("signing scheme notary.x509.signingAuthority is not supported (only notary.x509)");
  if (scheme !== "notary.x509") throw invalid(`unknown signing scheme ${JSON.stringify(scheme)}`);
  if (AUTHENTIC_SIGNING_TIME in header) throw invalid(`${AUTHENTIC_SIGNING_TIME} is only valid with notary.x509.signingAuthority`);
  // the spec lets an implementation without plugin support fail such signatures, and requires it to
  if (VERIFICATION_PLUGIN in header) throw new Rejection(`signature requires verification plugin ${JSON.stringify(header[VERIFICATION_PLUGIN])}, which is not supported`);

  return {
    alg: alg as JwsAlgorithm,
    signingTime: rfc3339(header[SIGNING_TIME], SIGNING_TIME),
    ...(EXPIRY in header ? { expiry: rfc3339(header[EXPIRY], EXPIRY) } : {}),
  };
}

/** Reads and checks the envelope's structure and protected header; throws Rejection. */
export function parseNotationEnvelope(bytes: Uint8Array): NotationEnvelope {
  const doc = parseJson(Buffer.from(bytes), "the envelope");
  if (!isObject(doc)) throw invalid("the envelope is not a JSON object");
  if ("signatures" in doc) throw invalid("general JWS serialization (several signatures) is not the Notation format");
  const extra = Object.keys(doc).filter((k) => !["payload", "protected", "header", "signature"].includes(k));
  if (extra.length) throw invalid(`unexpected envelope field ${extra[0]}`);

  const protectedHeader = parseJson(base64url(doc.protected, "the protected header"), "the protected header");
  if (!isObject(protectedHeader)) throw invalid("the protected header is not a JSON object");
  const unprotected = doc.header;
  if (!isObject(unprotected)) throw invalid("the unprotected header is missing");
  const clash = Object.keys(unprotected).find((k) => k in protectedHeader);
  if (clash) throw invalid(`header ${clash} appears both protected and unprotected`);

  const x5c = unprotected.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) throw invalid("the certificate chain (x5c) is missing");
  if (x5c.length > MAX_CHAIN_LENGTH) throw invalid(`the certificate chain has ${x5c.length} certificates, more than ${MAX_CHAIN_LENGTH}`);
  const certificates = x5c.map((entry, i) => {
    // x5c is standard base64 (RFC 7515 4.1.6), not base64url
    if (typeof entry !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry)) throw invalid(`x5c[${i}] is not base64`);
    return Buffer.from(entry, "base64");
  });

  return {
    ...checkProtectedHeader(protectedHeader),
    payload: base64url(doc.payload, "the payload"),
    x5c: certificates,
    signingInput: Buffer.from(`${String(doc.protected)}.${String(doc.payload)}`, "ascii"),
    signature: base64url(doc.signature, "the signature"),
  };
}

/** The `alg` a signing key must use (spec: Algorithm Selection), or null for keys Notation does not allow. */
export function algorithmForKey(key: KeyObject): JwsAlgorithm | null {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    return ({ 2048: "PS256", 3072: "PS384", 4096: "PS512" } as const)[details.modulusLength as 2048] ?? null;
  }
  if (key.asymmetricKeyType === "ec") {
    return ({ prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" } as const)[details.namedCurve as "prime256v1"] ?? null;
  }
  return null;
}

export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  return key.asymmetricKeyType === "rsa" ? `rsa-${details.modulusLength}` : `${key.asymmetricKeyType}${details.namedCurve ? `-${details.namedCurve}` : ""}`;
}

/** Whether the envelope's signature verifies with `key` under its (already key-matched) `alg`. */
export function jwsSignatureVerifies(envelope: NotationEnvelope, key: KeyObject): boolean {
  const { hash, family } = ALGORITHMS[envelope.alg];
  try {
    if (family === "rsa") {
      // RFC 7518 3.5: PSS with MGF1 of the same hash and a salt as long as the hash
      const options = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST };
      return crypto.verify(hash, envelope.signingInput, options, envelope.signature);
    }
    // RFC 7518 3.4: JWS carries ECDSA signatures as raw r || s, not DER
    return crypto.verify(hash, envelope.signingInput, { key, dsaEncoding: "ieee-p1363" }, envelope.signature);
  } catch {
    // a signature of the wrong length makes OpenSSL throw rather than answer false
    return false;
  }
}
