/**
 * What a signature gate learns about one signature attached to an image. Every signature found is
 * listed with its verdict, so the promotion page can say why each one counted or not.
 */
import type { X509Certificate } from "node:crypto";

export type SignatureFormat = "cosign" | "notation" | "sigstore-bundle" | "unknown";

export interface SignatureVerdict {
  format: SignatureFormat;
  /** how it was found: the cosign `sha256-<hex>.sig` tag, or the OCI referrers API / referrers tag schema */
  foundVia: "tag" | "referrer";
  /** digest of the signature manifest */
  manifestDigest: string;
  verified: boolean;
  /** when verified: "key release (ecdsa-p256)" or the certificate subject */
  signer?: string;
  /** why it counted or not, in words: "signed by key release (ecdsa-p256)", "payload digest mismatch", … */
  reason: string;
}

/** Notation verification settings, loaded and parsed at start-up from gates.signature.notation. */
export interface NotationTrust {
  /** the CA certificates of the trust store (PEM bundle), already parsed */
  anchors: X509Certificate[];
  /** trusted identities, Notation trust-policy syntax: "x509.subject: CN=release,O=Corp" ("*" = any) */
  identities: string[];
}
