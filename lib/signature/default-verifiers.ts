/** The verifiers the app uses for signature formats other than cosign (injected so tests can swap them). */
import type { SignatureVerifiers } from "./discover";
import { verifyNotationSignature } from "./notation";

export const defaultVerifiers: SignatureVerifiers = { notation: verifyNotationSignature };
