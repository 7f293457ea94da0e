/**
 * Notation (Notary Project) signatures stored as OCI referrers: the signature manifest
 * (artifactType application/vnd.cncf.notary.signature, `subject` = the signed image, one layer =
 * the envelope) and its JWS envelope, verified against the configured trust store and identities.
 *
 * The `notation` CLI is not installed on this machine kind (no Debian package), so the tests
 * produce the on-registry format with node:crypto, following specs/signing/ byte for byte.
 */
import { MediaType, RegistryError, type ImageManifestJson, type RegistryProvider } from "@/lib/registry";
import { verifyNotationEnvelope } from "./notation-envelope";
import { invalid, Rejection } from "./rejection";
import type { NotationTrust, SignatureVerdict } from "./types";

const NOTATION_SIGNATURE = "application/vnd.cncf.notary.signature";
const JWS_ENVELOPE = "application/jose+json";
const COSE_ENVELOPE = "application/cose";
/** A real envelope is a few KiB (payload descriptor, headers, a three-certificate chain). */
const MAX_ENVELOPE_BYTES = 256 * 1024;

async function readCapped(provider: RegistryProvider, repository: string, digest: string): Promise<Uint8Array> {
  const blob = await provider.openBlob(repository, digest);
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    // the descriptor's size was checked already; this guards against one that understates it
    if (blob.size !== undefined && blob.size > MAX_ENVELOPE_BYTES) throw invalid(`the registry serves ${blob.size} bytes for the envelope, more than ${MAX_ENVELOPE_BYTES}`);
    // read to the end so the stream checks the digest; stop early when the cap is passed
    for await (const chunk of blob.stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > MAX_ENVELOPE_BYTES) throw invalid(`the registry serves more than ${MAX_ENVELOPE_BYTES} bytes for the envelope`);
      chunks.push(chunk);
    }
  } finally {
    blob.stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** The envelope's bytes, after the checks on the signature manifest that need no cryptography. */
async function readEnvelope(provider: RegistryProvider, repository: string, subjectDigest: string, manifest: ImageManifestJson): Promise<Uint8Array> {
  const typed = manifest.artifactType ?? manifest.config?.mediaType;
  if (typed !== NOTATION_SIGNATURE) throw invalid(`artifact type ${JSON.stringify(typed)} is not a Notation signature`);
  if (manifest.subject?.digest !== subjectDigest) throw new Rejection("not a signature of this image");
  if (!Array.isArray(manifest.layers) || manifest.layers.length !== 1) throw invalid("a Notation signature manifest has exactly one layer");
  const layer = manifest.layers[0]!;
  if (layer.mediaType === COSE_ENVELOPE) throw new Rejection("COSE envelopes are not supported");
  if (layer.mediaType !== JWS_ENVELOPE) throw invalid(`unknown envelope media type ${JSON.stringify(layer.mediaType)}`);
  if (layer.size > MAX_ENVELOPE_BYTES) throw invalid(`the envelope has ${layer.size} bytes, more than ${MAX_ENVELOPE_BYTES}`);
  const bytes = await readCapped(provider, repository, layer.digest);
  if (bytes.length !== layer.size) throw invalid(`the envelope has ${bytes.length} bytes, its descriptor says ${layer.size}`);
  return bytes;
}

/**
 * Never throws for a bad signature: the verdict says why it does not count. Registry failures
 * (unreachable, not found, digest mismatch of what the registry served) propagate as RegistryError.
 */
export async function verifyNotationSignature(input: {
  provider: RegistryProvider;
  repository: string;
  subjectDigest: string;
  signatureManifestDigest: string;
  trust: NotationTrust | undefined;
  now: Date;
}): Promise<SignatureVerdict> {
  const { provider, repository, subjectDigest, signatureManifestDigest, trust, now } = input;
  const verdict = (fields: { verified: boolean; reason: string; signer?: string }): SignatureVerdict => ({
    format: "notation",
    foundVia: "referrer",
    manifestDigest: signatureManifestDigest,
    ...fields,
  });
  if (!trust) return verdict({ verified: false, reason: "no Notation trust store is configured (gates.signature.notation)" });

  const manifest = await provider.getManifest(repository, signatureManifestDigest, [MediaType.OciManifest]);
  try {
    if (!("layers" in manifest.json)) throw invalid("the signature is an index, not an image manifest");
    const envelope = await readEnvelope(provider, repository, subjectDigest, manifest.json);
    // what the registry holds under the promoted digest is what the payload must describe
    const subject = await provider.headManifest(repository, subjectDigest);
    const target = { digest: subjectDigest, ...(subject ? { mediaType: subject.mediaType, size: subject.size } : {}) };
    const { signer } = verifyNotationEnvelope(envelope, target, trust, now);
    return verdict({ verified: true, signer, reason: `signed by ${signer} (notation)` });
  } catch (err) {
    if (err instanceof Rejection) return verdict({ verified: false, reason: err.reason });
    if (err instanceof RegistryError) throw err;
    // anything else came from reading attacker-supplied bytes: it must neither crash the gate nor pass
    return verdict({ verified: false, reason: invalid(err instanceof Error ? err.message : String(err)).reason });
  }
}
