/**
 * The verifiers the app uses for signature formats other than cosign.
 *
 * MERGE POINT: Notation verification lives on branch sig-notation (lib/signature/notation.ts,
 * `verifyNotationSignature`). Until it is merged, a Notation signature is listed but never counts.
 * At merge, replace the `notation` entry below with `notation: verifyNotationSignature` imported from
 * "@/lib/signature/notation"; nothing else changes.
 */
import type { SignatureVerifiers } from "./discover";

export const defaultVerifiers: SignatureVerifiers = {
  async notation(input) {
    return { format: "notation", foundVia: "referrer", manifestDigest: input.signatureManifestDigest, verified: false, reason: "Notation verification is not available" };
  },
};
