/**
 * Public keys that may sign images (cosign key pairs): parsed once at start-up, then used to verify
 * signatures over the exact payload bytes with Node's crypto. Cosign signs SHA-256 of the payload;
 * the schemes it produces with keys are ECDSA P-256 (its default), Ed25519 and RSA.
 */
import crypto, { type KeyObject } from "node:crypto";

export interface VerificationKey {
  /** the name given in dockmaster.yaml, shown in verdicts ("key release") */
  name: string;
  /** "ecdsa-p256", "ed25519", "rsa-2048", … */
  algorithm: string;
  key: KeyObject;
}

/** Curves cosign can sign with; only P-256 is required by its spec, P-384/P-521 are accepted alike. */
const CURVES: Record<string, string> = { prime256v1: "ecdsa-p256", secp384r1: "ecdsa-p384", secp521r1: "ecdsa-p521" };
const MIN_RSA_BITS = 2048;

/**
 * Parses a PEM public key (a certificate's key is accepted too). Throws an Error whose message says
 * what is wrong, for the caller to place at its dockmaster.yaml line.
 */
export function parsePublicKey(name: string, pem: string): VerificationKey {
  let key: KeyObject;
  try {
    key = /-----BEGIN CERTIFICATE-----/.test(pem) ? new crypto.X509Certificate(pem).publicKey : crypto.createPublicKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new Error(`not a PEM public key (${(err as Error).message.split("\n")[0]})`);
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "ec": {
      const algorithm = details.namedCurve ? CURVES[details.namedCurve] : undefined;
      if (!algorithm) throw new Error(`unsupported key type: an EC key on curve ${details.namedCurve ?? "unknown"} (supported: ECDSA P-256, P-384, P-521; Ed25519; RSA)`);
      return { name, algorithm, key };
    }
    case "ed25519":
      return { name, algorithm: "ed25519", key };
    case "rsa":
    case "rsa-pss": {
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new Error(`unsupported key type: a ${bits}-bit RSA key (at least ${MIN_RSA_BITS} bits)`);
      return { name, algorithm: `rsa-${bits}`, key };
    }
    default:
      throw new Error(`unsupported key type: ${key.asymmetricKeyType ?? "unknown"} (supported: ECDSA P-256, P-384, P-521; Ed25519; RSA)`);
  }
}

/** Whether `signature` over exactly `payload` was made with this key (SHA-256; for RSA, PKCS#1 v1.5 or PSS). */
export function verifiesWith(k: VerificationKey, payload: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (k.key.asymmetricKeyType) {
      case "ed25519":
        // Ed25519 hashes internally: no digest is named
        return crypto.verify(null, payload, k.key, signature);
      case "rsa":
      case "rsa-pss":
        return (
          (k.key.asymmetricKeyType === "rsa" && crypto.verify("sha256", payload, { key: k.key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature)) ||
          crypto.verify("sha256", payload, { key: k.key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, signature)
        );
      default:
        // ECDSA: cosign writes the ASN.1 DER form, Node's default
        return crypto.verify("sha256", payload, k.key, signature);
    }
  } catch {
    // a signature of the wrong shape for this key type (e.g. 64 raw bytes for ECDSA) is simply not this key's
    return false;
  }
}

/**
 * Whether `signature` has the shape this key's scheme produces: a DER ECDSA-Sig-Value, 64 bytes for
 * Ed25519, the modulus length for RSA. Bytes of no such shape were damaged, not made by another key.
 */
export function isWellFormedFor(k: VerificationKey, signature: Uint8Array): boolean {
  switch (k.key.asymmetricKeyType) {
    case "ed25519":
      return signature.length === 64;
    case "rsa":
    case "rsa-pss":
      return signature.length * 8 === k.key.asymmetricKeyDetails?.modulusLength;
    default:
      return isDerEcdsaSignature(signature);
  }
}

/** SEQUENCE { INTEGER r, INTEGER s } with definite lengths that add up exactly. */
function isDerEcdsaSignature(sig: Uint8Array): boolean {
  let i = 0;
  const length = (): number => {
    const first = sig[i++] ?? 0x80;
    if (first < 0x80) return first;
    if (first !== 0x81) return -1; // P-521 signatures need at most one length byte
    return sig[i++] ?? -1;
  };
  if (sig[i++] !== 0x30) return false;
  const total = length();
  if (total < 0 || i + total !== sig.length) return false;
  for (let n = 0; n < 2; n++) {
    if (sig[i++] !== 0x02) return false;
    const len = length();
    if (len <= 0 || i + len > sig.length) return false;
    i += len;
  }
  return i === sig.length;
}
