/**
 * Verification of one Notation JWS envelope against the artifact it should sign, in the order of
 * the trust-policy spec ("Signature Verification"): integrity (envelope, algorithm, signature,
 * payload), authenticity (chain, trust store, identities), expiry, then certificate validity
 * (no timestamp authority is configurable, so "now" must fall within every certificate's validity).
 * Revocation (CRL/OCSP) is not checked: it needs network access to the CA.
 */
import type { NotationTrust } from "./types";
import { checkChainShape, checkTrusted, checkValidity, readChain, subjectOf } from "./notation-chain";
import { algorithmForKey, describeKey, jwsSignatureVerifies, parseNotationEnvelope } from "./notation-jws";
import { invalid, Rejection } from "./rejection";
import { identityMatches } from "./x509-name";

/** The artifact as the registry knows it; the signed payload must describe exactly this. */
export interface SignedTarget {
  digest: string;
  mediaType?: string;
  size?: number;
}

function readTargetArtifact(payload: Buffer): { digest: string; mediaType: string; size: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString("utf8"));
  } catch {
    throw invalid("the payload is not JSON");
  }
  const target = (doc as { targetArtifact?: unknown } | null)?.targetArtifact as Record<string, unknown> | undefined;
  if (
    typeof target !== "object" ||
    target === null ||
    typeof target.digest !== "string" ||
    typeof target.mediaType !== "string" ||
    typeof target.size !== "number"
  ) {
    throw invalid("the payload has no targetArtifact descriptor (mediaType, digest, size)");
  }
  return { digest: target.digest, mediaType: target.mediaType, size: target.size };
}

/** Returns the signer's subject when every check passes; otherwise throws a Rejection. */
export function verifyNotationEnvelope(bytes: Uint8Array, target: SignedTarget, trust: NotationTrust, now: Date): { signer: string } {
  const envelope = parseNotationEnvelope(bytes);
  const chain = readChain(envelope.x5c);
  const leaf = chain[0]!;

  // the signing key decides the algorithm; a header naming another one is an algorithm substitution
  const expected = algorithmForKey(leaf.cert.publicKey);
  if (!expected) throw invalid(`the signing key (${describeKey(leaf.cert.publicKey)}) is not one Notation allows`);
  if (envelope.alg !== expected) throw invalid(`alg ${envelope.alg} does not match the signing key (${describeKey(leaf.cert.publicKey)} signs with ${expected})`);
  if (!jwsSignatureVerifies(envelope, leaf.cert.publicKey)) throw new Rejection("signature does not verify");

  // the payload is read only now that it is known to be what the certificate's key signed
  const signed = readTargetArtifact(envelope.payload);
  if (signed.digest !== target.digest) throw new Rejection("payload digest mismatch");
  if (target.mediaType !== undefined && signed.mediaType !== target.mediaType) {
    throw new Rejection(`payload media type mismatch: the signature names ${signed.mediaType}, the image is ${target.mediaType}`);
  }
  if (target.size !== undefined && signed.size !== target.size) {
    throw new Rejection(`payload size mismatch: the signature names ${signed.size} bytes, the image has ${target.size}`);
  }

  checkChainShape(chain);
  checkTrusted(chain, trust.anchors);
  const signer = subjectOf(leaf);
  if (!trust.identities.some((identity) => identityMatches(identity, leaf.profile.subject))) {
    throw new Rejection(`identity not trusted: ${signer}`);
  }
  // spec: expired when the current time is greater than or equal to the expiry time
  if (envelope.expiry && now >= envelope.expiry) throw new Rejection(`expired signature: it expired at ${envelope.expiry.toISOString()}`);
  checkValidity(chain, now, envelope.signingTime);
  return { signer };
}
