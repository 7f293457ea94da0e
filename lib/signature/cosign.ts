/**
 * Cosign key-based signatures (specs/signing/cosign-SIGNATURE_SPEC.md). One signature manifest (under
 * the `sha256-<hex>.sig` tag, or a referrer of artifact type COSIGN_SIGNATURE_TYPE) holds one layer per
 * signature: a simple-signing payload blob, with the base64 signature over the payload's exact bytes
 * in the layer's `dev.cosignproject.cosign/signature` annotation. Whoever can push to the repository
 * can push such a manifest, so nothing in it counts until a configured key verifies the payload and
 * the payload names the promoted digest.
 */
import { isIndexJson, RegistryError, type Descriptor, type ManifestResult } from "@/lib/registry";
import { isWellFormedFor, verifiesWith, type VerificationKey } from "./keys";
import type { SignatureVerdict } from "./types";

export const COSIGN_SIGNATURE_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
const SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
/** keyless signatures carry a Fulcio certificate or a Rekor bundle instead of relying on a known key */
const KEYLESS_ANNOTATIONS = ["dev.sigstore.cosign/certificate", "dev.sigstore.cosign/bundle"];
/** cosign's own type, and the containers-signature type it extends (containers-signature.5.md) */
const SIGNATURE_TYPES = ["cosign container image signature", "atomic container signature"];
/** what critical may hold (containers-signature: consumers MUST reject anything else there) */
const CRITICAL_MEMBERS = new Set(["type", "image", "identity"]);
/** a simple-signing payload is a few hundred bytes; anything near this is not one */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** signatures read from one manifest; cosign appends one layer per `cosign sign` */
const MAX_LAYERS = 16;

export const KEYLESS_REASON = "keyless (Sigstore) signature: needs an online transparency log, not verifiable here";

export type ReadPayload = (digest: string, maxBytes: number) => Promise<Uint8Array>;

interface Context {
  manifestDigest: string;
  foundVia: SignatureVerdict["foundVia"];
  /** the digest being promoted (for an index: the index's own digest) */
  subjectDigest: string;
  keys: readonly VerificationKey[];
  readPayload: ReadPayload;
}

const invalid = (why: string) => `not a valid signature: ${why}`;

/** Every signature one cosign signature manifest carries, each with its verdict. Never throws for bad content. */
export async function verifyCosignManifest(manifest: ManifestResult, ctx: Omit<Context, "manifestDigest">): Promise<SignatureVerdict[]> {
  const full: Context = { ...ctx, manifestDigest: manifest.digest };
  const verdict = (reason: string) => [{ format: "cosign" as const, foundVia: ctx.foundVia, manifestDigest: manifest.digest, verified: false, reason }];
  if (isIndexJson(manifest.json)) return verdict(invalid("an image index, not a signature manifest"));
  const layers = Array.isArray(manifest.json.layers) ? manifest.json.layers : [];
  if (layers.length === 0) return verdict(invalid("the manifest has no layers"));
  const verdicts: SignatureVerdict[] = [];
  for (const layer of layers.slice(0, MAX_LAYERS)) verdicts.push(await verifyLayer(layer, full));
  if (layers.length > MAX_LAYERS) verdicts.push(...verdict(`not read: more than ${MAX_LAYERS} signatures in one manifest`));
  return verdicts;
}

async function verifyLayer(layer: Descriptor, ctx: Context): Promise<SignatureVerdict> {
  const base = { format: "cosign" as const, foundVia: ctx.foundVia, manifestDigest: ctx.manifestDigest };
  const fail = (reason: string): SignatureVerdict => ({ ...base, verified: false, reason });

  if (layer.mediaType !== SIMPLE_SIGNING) return fail(invalid(`unknown media type ${JSON.stringify(String(layer.mediaType)).slice(0, 120)}`));
  const encoded = layer.annotations?.[SIGNATURE_ANNOTATION];
  if (typeof encoded !== "string" || encoded === "") return fail(invalid(`no ${SIGNATURE_ANNOTATION} annotation`));
  const signature = decodeBase64(encoded);
  if (!signature) return fail(invalid("the signature is not base64"));
  if (typeof layer.size === "number" && layer.size > MAX_PAYLOAD_BYTES) return fail(invalid(`payload larger than ${MAX_PAYLOAD_BYTES} bytes (${layer.size})`));

  let payload: Uint8Array;
  try {
    payload = await ctx.readPayload(layer.digest, MAX_PAYLOAD_BYTES);
  } catch (err) {
    return fail(payloadReadFailure(err));
  }
  const statement = parseSimpleSigning(payload);
  if (typeof statement === "string") return fail(invalid(statement));

  const signer = ctx.keys.find((k) => verifiesWith(k, payload, signature));
  if (!signer) {
    if (KEYLESS_ANNOTATIONS.some((a) => layer.annotations?.[a])) return fail(KEYLESS_REASON);
    if (!ctx.keys.length) return fail("unknown key: no cosign keys are configured");
    const names = ctx.keys.map((k) => k.name).join(", ");
    if (!ctx.keys.some((k) => isWellFormedFor(k, signature))) return fail(`signature does not verify: not a well-formed signature for any configured key (${names})`);
    // A well-formed signature by another key and one altered inside its numbers (or a payload altered
    // under it) look the same without the signer's key: neither verifies with any key we trust.
    return fail(`unknown key: verifies with none of the configured keys (${names})`);
  }
  // checked only now: a payload no trusted key signed proves nothing, not even a mismatch
  if (statement.digest !== ctx.subjectDigest) return fail(`payload digest mismatch (names ${statement.digest})`);
  const who = `key ${signer.name} (${signer.algorithm})`;
  return { ...base, verified: true, signer: who, reason: `signed by ${who}` };
}

/** Strict base64 (standard alphabet, padded as Go's encoder writes it); null otherwise. */
function decodeBase64(text: string): Uint8Array | null {
  const s = text.trim();
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return null;
  return Buffer.from(s, "base64");
}

function payloadReadFailure(err: unknown): string {
  if (err instanceof RegistryError) {
    if (/more than (the )?\d+(-byte limit| bytes)/.test(err.message)) return invalid(`payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
    if (err.kind === "not_found") return invalid("its payload blob is missing");
    if (err.kind === "bad_response" || err.kind === "digest_mismatch") return invalid(`its payload could not be read: ${err.message}`);
    return `could not read the payload: ${err.message}`;
  }
  return `could not read the payload: ${(err as Error).message}`;
}

/** The digest a simple-signing payload names, or why it is not one (containers-signature.5.md). */
function parseSimpleSigning(bytes: Uint8Array): { digest: string } | string {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return "the payload is not JSON";
  }
  const critical = isObject(json) ? json.critical : undefined;
  if (!isObject(critical)) return "the payload has no critical section";
  const unexpected = Object.keys(critical).find((k) => !CRITICAL_MEMBERS.has(k));
  if (unexpected) return `unexpected member critical.${unexpected.slice(0, 60)} in the payload`;
  if (typeof critical.type !== "string" || !SIGNATURE_TYPES.includes(critical.type)) {
    return `critical.type is ${JSON.stringify(critical.type ?? null).slice(0, 80)}, not "${SIGNATURE_TYPES[0]}"`;
  }
  const image = critical.image;
  if (!isObject(image)) return "the payload has no critical.image";
  // cosign's Go decoder matches member names case-insensitively (its own docs write "Docker-manifest-digest");
  // two spellings at once would be ambiguous, so they are refused
  const named = Object.entries(image).filter(([k]) => k.toLowerCase() === "docker-manifest-digest");
  if (named.length !== 1 || Object.keys(image).length !== 1) return "critical.image must hold exactly one docker-manifest-digest";
  const digest = named[0]![1];
  if (typeof digest !== "string" || !/^sha256:[a-f0-9]{64}$/.test(digest)) return "critical.image.docker-manifest-digest is not a sha256 digest";
  return { digest };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
