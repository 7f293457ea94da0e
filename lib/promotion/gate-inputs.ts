import type { GateConfig } from "@/lib/config/schema";

export interface GateInput {
  label: string;
  value: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${new Intl.PluralRules("en").select(n) === "one" ? one : many}`;

/**
 * The policy the gates were evaluated against, as the evidence stored it at request time, in words:
 * what an approver checks the gate results against. Keys (public keys, trust stores) by name only.
 */
export function gateInputs(policy: GateConfig | null | undefined): GateInput[] {
  if (!policy) return [];
  const out: GateInput[] = [];
  if (policy.maxFindings) {
    const limits = (["critical", "high", "medium"] as const).filter((s) => policy.maxFindings![s] !== undefined).map((s) => `${s} ≤ ${policy.maxFindings![s]}`);
    if (limits.length) out.push({ label: "Findings allowed", value: limits.join(", ") });
  }
  if (policy.noFixableCritical !== undefined) out.push({ label: "Fixable critical findings", value: policy.noFixableCritical ? "none allowed" : "allowed" });
  if (policy.maxScanAgeDays !== undefined) out.push({ label: "Scan age", value: `at most ${plural(policy.maxScanAgeDays, "day", "days")}` });
  if (policy.scanSources) out.push({ label: "Scan reports counted", value: policy.scanSources.map((s) => (s === "registry" ? "the registry's scanner" : "reports attached to the image")).join(" and ") });
  if (policy.signature) {
    const { keys, notation, minSignatures } = policy.signature;
    const by = [...(keys.length ? [`cosign keys ${keys.map((k) => k.name).join(", ")}`] : []), ...(notation ? [`Notation signers ${notation.identities.join(", ")}`] : [])];
    out.push({ label: "Signatures", value: `${plural(minSignatures, "verified signature", "verified signatures")}${by.length ? ` by ${by.join(" or ")}` : ""}` });
  }
  if (policy.immutableTags !== undefined) out.push({ label: "Immutable tags", value: policy.immutableTags ? "an existing tag may not move" : "tags may move" });
  return out;
}
