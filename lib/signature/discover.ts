/**
 * Finds every signature of a digest and judges each: cosign's tag scheme (`sha256-<hex>.sig` in the
 * same repository, the only place `cosign sign` writes by default) and OCI 1.1 referrers (read from
 * the referrers API, or the referrers tag schema on registries without it: lib/registry falls back by
 * itself). Referrers that are not signatures (SBOMs, scan reports, attestations) are not listed.
 */
import { describeRegistryError, RegistryError, referrersTagFor, type ManifestResult, type Referrer, type RegistryProvider } from "@/lib/registry";
import { COSIGN_SIGNATURE_TYPE, KEYLESS_REASON, verifyCosignManifest } from "./cosign";
import type { VerificationKey } from "./keys";
import type { NotationTrust, SignatureFormat, SignatureVerdict } from "./types";

const NOTATION_SIGNATURE_TYPE = "application/vnd.cncf.notary.signature";
const SIGSTORE_BUNDLE_PREFIX = "application/vnd.dev.sigstore.bundle";
/** signature manifests read per digest: enough for any honest image, bounded against a flood of pushes */
const MAX_SIGNATURE_MANIFESTS = 16;

/** What an environment trusts, loaded and parsed at start-up from gates.signature. */
export interface SignatureTrust {
  keys: VerificationKey[];
  notation?: NotationTrust;
  minSignatures: number;
}

export interface NotationVerifyInput {
  provider: RegistryProvider;
  repository: string;
  subjectDigest: string;
  signatureManifestDigest: string;
  trust: NotationTrust | undefined;
  now: Date;
}

/** Verifiers of other formats, injected (Notation's lives in lib/signature/notation.ts). */
export interface SignatureVerifiers {
  notation(input: NotationVerifyInput): Promise<SignatureVerdict>;
}

export interface SignatureSearch {
  verdicts: SignatureVerdict[];
  /** what could not be looked at (a registry error listing referrers), in words */
  problems: string[];
}

/** The cosign tag for a digest: `sha256:abc…` → `sha256-abc….sig` (SIGNATURE_SPEC, tag-based discovery). */
export const cosignSignatureTag = (digest: string) => `${referrersTagFor(digest)}.sig`;

export async function findSignatures(input: {
  provider: RegistryProvider;
  repository: string;
  digest: string;
  trust: SignatureTrust;
  verifiers: SignatureVerifiers;
  now: Date;
}): Promise<SignatureSearch> {
  const { provider, repository, digest, trust } = input;
  const verdicts: SignatureVerdict[] = [];
  const problems: string[] = [];
  const readPayload = (blob: string, maxBytes: number) => provider.getBlob(repository, blob, maxBytes);
  const cosign = async (reference: string, foundVia: SignatureVerdict["foundVia"]) => {
    const read = await readSignatureManifest(provider, repository, reference);
    if (!read) return;
    if ("reason" in read) {
      verdicts.push({ format: "cosign", foundVia, manifestDigest: read.digest, verified: false, reason: read.reason });
      return;
    }
    verdicts.push(...(await verifyCosignManifest(read.manifest, { foundVia, subjectDigest: digest, keys: trust.keys, readPayload })));
  };

  try {
    await cosign(cosignSignatureTag(digest), "tag");
  } catch (err) {
    problems.push(`could not read the cosign signature tag: ${describeRegistryError(err).message}`);
  }

  let referrers: Referrer[] = [];
  if (provider.capabilities.referrers) {
    try {
      referrers = (await provider.listReferrers(repository, digest)).referrers.filter((r) => formatOf(r.artifactType) !== "unknown");
    } catch (err) {
      problems.push(`could not list referrers: ${describeRegistryError(err).message}`);
    }
  }
  for (const [i, r] of referrers.entries()) {
    const format = formatOf(r.artifactType);
    const unverified = (reason: string) => verdicts.push({ format, foundVia: "referrer", manifestDigest: r.digest, verified: false, reason });
    if (i >= MAX_SIGNATURE_MANIFESTS) {
      unverified(`not read: more than ${MAX_SIGNATURE_MANIFESTS} signatures are attached`);
      continue;
    }
    try {
      if (format === "cosign") await cosign(r.digest, "referrer");
      else if (format === "notation") {
        verdicts.push(await input.verifiers.notation({ provider, repository, subjectDigest: digest, signatureManifestDigest: r.digest, trust: trust.notation, now: input.now }));
      } else unverified(KEYLESS_REASON);
    } catch (err) {
      unverified(`could not read the signature: ${describeRegistryError(err).message}`);
    }
  }
  return { verdicts, problems };
}

function formatOf(artifactType: string | undefined): SignatureFormat {
  if (artifactType === COSIGN_SIGNATURE_TYPE) return "cosign";
  if (artifactType === NOTATION_SIGNATURE_TYPE) return "notation";
  if (artifactType?.startsWith(SIGSTORE_BUNDLE_PREFIX)) return "sigstore-bundle";
  return "unknown";
}

/**
 * The signature manifest at `reference`: null when the tag does not exist, a reason when
 * what is there cannot be a signature manifest. Registry failures (unreachable, refused) propagate.
 */
async function readSignatureManifest(provider: RegistryProvider, repository: string, reference: string): Promise<{ manifest: ManifestResult } | { digest: string; reason: string } | null> {
  const head = await provider.headManifest(repository, reference);
  if (!head) return null;
  try {
    return { manifest: await provider.getManifest(repository, reference) };
  } catch (err) {
    if (err instanceof RegistryError && (err.kind === "bad_response" || err.kind === "unsupported" || err.kind === "digest_mismatch")) {
      return { digest: head.digest, reason: `not a valid signature: ${err.message}` };
    }
    throw err;
  }
}

/** Verified signatures by distinct signers: two signatures by one key count once. */
export function distinctSigners(verdicts: readonly SignatureVerdict[]): string[] {
  return [...new Set(verdicts.filter((v) => v.verified).map((v) => v.signer ?? v.manifestDigest))];
}
