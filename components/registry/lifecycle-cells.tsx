import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { LifecycleReport, TagLifecycle } from "@/lib/registry";

export type LifecycleData = { report: LifecycleReport; byTag: Record<string, TagLifecycle> } | null;

/** Extra tag-table columns for registries that track tag lifecycle (Harbor, ECR, Docker Hub). */
export function LifecycleHeaders({ lifecycle }: { lifecycle: LifecycleData }) {
  if (!lifecycle) return null;
  return (
    <>
      <th>Pushed</th>
      {lifecycle.report.pullTimes && <th>Last pulled</th>}
      {lifecycle.report.immutability && <th>Immutable</th>}
      {lifecycle.report.policy && <th>{lifecycle.report.policy.kind === "ecr-lifecycle" ? "Lifecycle" : "Retention"}</th>}
    </>
  );
}

export function lifecycleColumnCount(lifecycle: LifecycleData): number {
  if (!lifecycle) return 0;
  return 1 + Number(lifecycle.report.pullTimes) + Number(lifecycle.report.immutability) + Number(!!lifecycle.report.policy);
}

export function LifecycleCells({ lifecycle, tags }: { lifecycle: LifecycleData; tags: string[] }) {
  if (!lifecycle) return null;
  const entries = tags.map((t) => lifecycle.byTag[t]).filter((e): e is TagLifecycle => !!e);
  const pushed = entries.map((e) => e.pushedAt).filter(Boolean).sort().at(-1);
  const pulled = entries.map((e) => e.lastPulledAt).filter(Boolean).sort().at(-1);
  const immutable = entries.filter((e) => e.immutable).map((e) => e.tag);
  const removed = entries.filter((e) => e.wouldBeRemoved);
  return (
    <>
      <td className="whitespace-nowrap text-xs" data-testid="lifecycle-pushed">
        <Time at={pushed} style="date" />
      </td>
      {lifecycle.report.pullTimes && (
        <td className="whitespace-nowrap text-xs" data-testid="lifecycle-pulled">
          <Time at={pulled} style="date" fallback="never" />
        </td>
      )}
      {lifecycle.report.immutability && (
        <td className="text-xs" data-testid="lifecycle-immutable">
          {immutable.length === 0 ? "—" : <Badge tone="sky">{immutable.length === tags.length ? "immutable" : `${immutable.join(", ")} immutable`}</Badge>}
        </td>
      )}
      {lifecycle.report.policy && (
        <td className="text-xs" data-testid="lifecycle-removal">
          {removed.length === 0
            ? "kept"
            : removed.map((e) => (
                <div key={e.tag} title={e.wouldBeRemoved?.detail} className="min-w-40">
                  <Badge tone="red">{removed.length === tags.length ? "would be removed" : `${e.tag} would be removed`}</Badge>
                  <span className="text-slate-500"> by {e.wouldBeRemoved?.by}</span>
                </div>
              ))}
        </td>
      )}
    </>
  );
}

/** One line naming the policy the "would be removed" column comes from. */
export function LifecyclePolicyNote({ lifecycle, error }: { lifecycle: LifecycleData; error?: string }) {
  if (error) return <p className="mb-2 text-xs text-amber-700">Tag lifecycle unavailable: {error}</p>;
  const policy = lifecycle?.report.policy;
  const partial = lifecycle?.report.truncated ? (
    <p className="mb-2 text-xs text-amber-700" data-testid="lifecycle-truncated">
      Tag lifecycle is partial: the registry has more tags than one listing reads, so tags beyond them show none.
    </p>
  ) : null;
  if (!policy) return partial;
  return (
    <>
      {partial}
      <p className="mb-2 text-xs text-slate-500" data-testid="lifecycle-policy">
        {policy.kind === "ecr-lifecycle" ? "Lifecycle policy" : "Retention policy"}: {policy.summary}
        {policy.status ? ` · ${policy.status}` : ""}
        {policy.evaluatedAt && (
          <>
            {" "}
            (<Time at={policy.evaluatedAt} />)
          </>
        )}
      </p>
    </>
  );
}
