/**
 * The registry's own retention next to Dockmaster's plan (Harbor's tag retention dry run, ECR's
 * lifecycle policy preview, both read through the provider's LifecycleSource): which digests their
 * policy would delete, and where the two disagree. The disagreement that matters is the dangerous one:
 * their policy would delete a digest Dockmaster protects (running in prod, an open promotion…). Their
 * verdicts are per tag; a registry policy deletes the whole artifact, so each is folded per digest.
 */
import { lifecycleSource, type LifecycleReport, type RegistryProvider } from "@/lib/registry";
import { describeRegistryError } from "@/lib/registry";
import type { ProtectionCheck } from "./protection-check";
import type { RetentionPlanItem, RetentionProtectedItem } from "./types";

export interface RegistryPolicyDeletion {
  repository: string;
  digest: string;
  tags: string[];
  /** which of their rules or runs says so */
  by: string;
}

export interface RegistryPolicyView {
  kind: NonNullable<LifecycleReport["policy"]>["kind"];
  summary: string;
  status?: string;
  evaluatedAt?: string;
  deletions: RegistryPolicyDeletion[];
  /** repositories whose report could not be read, with the registry's words */
  unreadable: { repository: string; error: string }[];
}

export type DisagreementKind =
  /** their policy deletes what Dockmaster protects: the one to act on */
  | "deletes-protected"
  /** their policy deletes what Dockmaster's plan keeps (no rule selected it) */
  | "deletes-kept"
  /** Dockmaster's plan deletes what their policy keeps */
  | "keeps-planned";

export interface PolicyDisagreement {
  kind: DisagreementKind;
  repository: string;
  digest: string;
  tags: string[];
  detail: string;
}

/** null when the registry has no retention/lifecycle policy of its own for these repositories. */
export async function readRegistryPolicy(provider: RegistryProvider, repositories: readonly string[]): Promise<RegistryPolicyView | null> {
  const source = lifecycleSource(provider);
  if (!source) return null;
  let policy: LifecycleReport["policy"];
  const deletions: RegistryPolicyDeletion[] = [];
  const unreadable: RegistryPolicyView["unreadable"] = [];
  for (const repository of repositories) {
    let report: LifecycleReport;
    try {
      report = await source.tagLifecycle(repository);
    } catch (err) {
      unreadable.push({ repository, error: describeRegistryError(err).message });
      continue;
    }
    policy ??= report.policy;
    const byDigest = new Map<string, RegistryPolicyDeletion>();
    for (const t of report.tags) {
      if (!t.wouldBeRemoved || !t.digest) continue;
      const d = byDigest.get(t.digest) ?? { repository, digest: t.digest, tags: [], by: t.wouldBeRemoved.by };
      d.tags.push(t.tag);
      byDigest.set(t.digest, d);
    }
    deletions.push(...byDigest.values());
  }
  if (!policy) return null;
  return { kind: policy.kind, summary: policy.summary, ...(policy.status ? { status: policy.status } : {}), ...(policy.evaluatedAt ? { evaluatedAt: policy.evaluatedAt } : {}), deletions, unreadable };
}

/**
 * Their deletions against the plan. A digest their policy deletes is checked with `protection` as well
 * as against the plan's protected list: the plan lists only candidates a protection saved, while a
 * digest running in prod that no Dockmaster rule even considered is just as much at risk.
 */
export async function comparePolicies(
  plan: { environment: string; items: readonly RetentionPlanItem[]; protected: readonly RetentionProtectedItem[] },
  theirs: RegistryPolicyView,
  protection?: ProtectionCheck,
): Promise<PolicyDisagreement[]> {
  const key = (repository: string, digest: string) => `${repository}\u0000${digest}`;
  const planned = new Map<string, RetentionPlanItem[]>();
  for (const i of plan.items) planned.set(key(i.repository, i.digest), [...(planned.get(key(i.repository, i.digest)) ?? []), i]);
  const savedBy = new Map(plan.protected.map((p) => [key(p.repository, p.digest), p.reason]));
  const theyDelete = new Set(theirs.deletions.map((d) => key(d.repository, d.digest)));
  const out: PolicyDisagreement[] = [];

  for (const d of theirs.deletions) {
    const k = key(d.repository, d.digest);
    const reason = savedBy.get(k) ?? (protection ? await protection({ environment: plan.environment, repository: d.repository, tag: d.tags[0] ?? null, digest: d.digest }) : null);
    if (reason) out.push({ kind: "deletes-protected", repository: d.repository, digest: d.digest, tags: d.tags, detail: `${d.by} would delete it, but Dockmaster protects it: ${reason}` });
    else if (!planned.has(k)) out.push({ kind: "deletes-kept", repository: d.repository, digest: d.digest, tags: d.tags, detail: `${d.by} would delete it; Dockmaster's plan keeps it` });
  }
  const repositories = new Set(theirs.deletions.map((d) => d.repository).concat(plan.items.map((i) => i.repository)));
  const unread = new Set(theirs.unreadable.map((u) => u.repository));
  for (const [k, items] of planned) {
    const first = items[0]!;
    if (theyDelete.has(k) || unread.has(first.repository) || !repositories.has(first.repository)) continue;
    out.push({ kind: "keeps-planned", repository: first.repository, digest: first.digest, tags: items.map((i) => i.tag ?? "(untagged)"), detail: `Dockmaster's plan deletes it (${first.rule}); the registry's policy keeps it` });
  }
  const order: Record<DisagreementKind, number> = { "deletes-protected": 0, "deletes-kept": 1, "keeps-planned": 2 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || a.repository.localeCompare(b.repository) || a.digest.localeCompare(b.digest));
}
