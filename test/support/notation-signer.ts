/**
 * Produces Notation signatures the way `notation sign` stores them (the CLI is not installed here):
 * the flattened JWS JSON envelope of specs/signing/notation-signature-envelope-jws.md and the OCI
 * signature manifest of notation-signature-specification.md, built with node:crypto only.
 */
import crypto from "node:crypto";
import { buildReferrer, type BuiltReferrer } from "../harness/image-builder";

export const NOTATION_SIGNATURE_TYPE = "application/vnd.cncf.notary.signature";
const JWS_MEDIA_TYPE = "application/jose+json";

export interface SignOptions {
  keyPem: string;
  /** DER certificates, signing certificate first */
  chain: Buffer[];
  target: { mediaType: string; digest: string; size: number };
  /** default: derived from the key as Notation does */
  alg?: string;
  signingTime?: Date;
  expiry?: Date;
  /** replaces or adds (undefined: removes) protected header fields, signed as given */
  protectedHeader?: Record<string, unknown>;
  /** the bytes signed as payload, when not the JSON of { targetArtifact: target } */
  payload?: Buffer;
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function algFor(key: crypto.KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") return { 2048: "PS256", 3072: "PS384", 4096: "PS512" }[details.modulusLength ?? 0] ?? "PS256";
  return { prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" }[details.namedCurve ?? ""] ?? "ES256";
}

/** The envelope bytes (UTF-8 JSON). */
export function signNotationEnvelope(options: SignOptions): Buffer {
  const key = crypto.createPrivateKey(options.keyPem);
  const alg = options.alg ?? algFor(key);
  const header: Record<string, unknown> = {
    alg,
    cty: "application/vnd.cncf.notary.payload.v1+json",
    "io.cncf.notary.signingScheme": "notary.x509",
    "io.cncf.notary.signingTime": rfc3339(options.signingTime ?? new Date()),
    ...(options.expiry ? { "io.cncf.notary.expiry": rfc3339(options.expiry) } : {}),
    crit: ["io.cncf.notary.signingScheme", ...(options.expiry ? ["io.cncf.notary.expiry"] : [])],
  };
  for (const [k, v] of Object.entries(options.protectedHeader ?? {})) {
    if (v === undefined) delete header[k];
    else header[k] = v;
  }
  const protectedB64 = Buffer.from(JSON.stringify(header)).toString("base64url");
  const payload = options.payload ?? Buffer.from(JSON.stringify({ targetArtifact: options.target }));
  const payloadB64 = payload.toString("base64url");
  const input = Buffer.from(`${protectedB64}.${payloadB64}`, "ascii");
  const hash = `sha${alg.slice(2)}`;
  const signature = alg.startsWith("PS")
    ? crypto.sign(hash, input, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST })
    : crypto.sign(hash, input, { key, dsaEncoding: "ieee-p1363" });
  const envelope = {
    payload: payloadB64,
    protected: protectedB64,
    header: { x5c: options.chain.map((der) => der.toString("base64")), "io.cncf.notary.signingAgent": "dockmaster-tests/1.0" },
    signature: signature.toString("base64url"),
  };
  return Buffer.from(JSON.stringify(envelope));
}

/** The signature manifest (OCI 1.1 form: artifactType + empty config) holding `envelope` as its layer. */
export function notationSignatureManifest(
  subject: { mediaType: string; digest: string; size: number },
  envelope: Buffer,
  chain: Buffer[],
  envelopeMediaType = JWS_MEDIA_TYPE,
): BuiltReferrer {
  const thumbprints = chain.map((der) => crypto.createHash("sha256").update(der).digest("hex"));
  return buildReferrer(subject, {
    artifactType: NOTATION_SIGNATURE_TYPE,
    payload: envelope,
    payloadMediaType: envelopeMediaType,
    annotations: { "io.cncf.notary.x509chain.thumbprint#S256": JSON.stringify(thumbprints) },
  });
}
