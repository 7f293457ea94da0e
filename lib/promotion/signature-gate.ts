import { describeRegistryError, type RegistryProvider } from "@/lib/registry";
import { cosignSignatureTag, distinctSigners, findSignatures, type SignatureTrust, type SignatureVerifiers } from "@/lib/signature/discover";
import type { GateResult } from "./gates";

export interface SignatureGateInput {
  source: { provider: RegistryProvider; repository: string; digest: string };
  environment: string;
  /** what the target environment trusts (loaded at start-up; undefined when nothing was) and the verifiers of non-cosign formats */
  signatures: { trust: SignatureTrust | undefined; verifiers: SignatureVerifiers } | undefined;
  now: Date;
}

/**
 * Passes when at least minSignatures signatures verify, by distinct keys or signers. Every signature
 * found is listed with its verdict, counted or not, so the promotion page can say why.
 */
export async function evaluateSignatureGate(input: SignatureGateInput): Promise<GateResult> {
  const { source } = input;
  const trust = input.signatures?.trust;
  const min = trust?.minSignatures ?? 1;
  const label = min === 1 ? "Verified signature" : `Verified signatures from ${min} distinct signers`;
  const fail = (detail: string): GateResult => ({ id: "signature", label, status: "fail", detail, signatures: [] });
  if (!input.signatures || !trust) return fail(`no signature keys or trust store were loaded for ${input.environment} at start-up`);
  let search;
  try {
    search = await findSignatures({ provider: source.provider, repository: source.repository, digest: source.digest, trust, verifiers: input.signatures.verifiers, now: input.now });
  } catch (err) {
    return fail(`could not look for signatures: ${describeRegistryError(err).message}`);
  }
  const { verdicts, problems } = search;
  const signers = distinctSigners(verdicts);
  const notCounted = verdicts.filter((v) => !v.verified).length;
  const found = verdicts.length
    ? `${signers.length} of ${min} required verified${signers.length ? ` (${signers.join(", ")})` : ""}${notCounted ? `; ${notCounted} signature(s) do not count` : ""}`
    : `no signature found (looked at the cosign tag ${cosignSignatureTag(source.digest)} and the referrers)`;
  return {
    id: "signature",
    label,
    status: signers.length >= min ? "pass" : "fail",
    detail: [found, ...problems].join("; "),
    signatures: verdicts,
  };
}
