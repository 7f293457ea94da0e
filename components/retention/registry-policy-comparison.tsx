import { plural } from "@/lib/plural";
import type { PolicyDisagreement, RegistryPolicyView } from "@/lib/retention/registry-policy";

const NAMES: Record<RegistryPolicyView["kind"], string> = { "harbor-retention": "Harbor tag retention", "ecr-lifecycle": "ECR lifecycle policy" };
const FLAGS: Record<PolicyDisagreement["kind"], { label: string; className: string }> = {
  "deletes-protected": { label: "Their policy deletes a protected digest", className: "bg-red-50 text-red-800" },
  "deletes-kept": { label: "Only their policy deletes", className: "bg-amber-50 text-amber-800" },
  "keeps-planned": { label: "Only Dockmaster deletes", className: "bg-slate-50 text-slate-700" },
};

/** The registry's own policy next to Dockmaster's plan, disagreements first (readRegistryPolicy + comparePolicies). */
export function RegistryPolicyComparison({ policy, disagreements }: { policy: RegistryPolicyView; disagreements: PolicyDisagreement[] }) {
  const dangerous = disagreements.filter((d) => d.kind === "deletes-protected").length;
  return (
    <section aria-label="Registry policy side by side" className="space-y-2">
      <h3 className="text-sm font-semibold">
        {NAMES[policy.kind]}: {policy.summary}
      </h3>
      <p className="text-xs text-slate-600">
        {plural(policy.deletions.length, "digest")} their policy would delete{policy.status ? ` · ${policy.status}` : ""}
        {policy.evaluatedAt ? ` · evaluated ${policy.evaluatedAt}` : ""}
      </p>
      {dangerous > 0 && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {plural(dangerous, "digest")} that Dockmaster protects would be deleted by the registry&apos;s own policy.
        </p>
      )}
      {policy.unreadable.map((u) => (
        <p key={u.repository} className="text-xs text-amber-700">
          {u.repository}: not read ({u.error})
        </p>
      ))}
      {disagreements.length === 0 ? (
        <p className="text-sm text-slate-600">Both agree on every digest of these repositories.</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">Where the registry&apos;s policy and Dockmaster&apos;s plan disagree</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th scope="col">Disagreement</th>
              <th scope="col">Repository</th>
              <th scope="col">Tags</th>
              <th scope="col">Digest</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {disagreements.map((d) => (
              <tr key={`${d.repository}${d.digest}${d.kind}`} className={FLAGS[d.kind].className}>
                <td>{FLAGS[d.kind].label}</td>
                <td>{d.repository}</td>
                <td>{d.tags.join(", ")}</td>
                <td className="font-mono text-xs">{d.digest.slice(0, 19)}…</td>
                <td>{d.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
