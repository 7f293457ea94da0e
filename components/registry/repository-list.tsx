import Link from "next/link";
import type { Grant } from "@/lib/auth/policy";
import { Time } from "@/components/ui/time";
import { formatBytes, repositoryHref } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { repositorySummaries, type RepositorySummary } from "@/lib/inventory/index/repository-summaries";
import { syncStatusRows } from "@/lib/inventory/index/status";
import { environmentOf } from "@/lib/inventory/namespace";
import { getPrisma } from "@/lib/runtime";

/**
 * The registry's repositories (one page of its catalog) with tag count, size, last push and scan
 * status from the inventory index of the environment that holds each one, when that environment
 * has been synced; a repository outside every synced environment shows its name alone.
 */
export async function RepositoryList({ registry, repositories, environments, grants }: { registry: string; repositories: string[]; environments: { name: string; namespace: string }[]; grants: readonly Grant[] }) {
  const prisma = await getPrisma();
  const visible = await visibleEnvironments(prisma, grants);
  const synced = new Set((await syncStatusRows(prisma, visible)).filter((s) => s.asOf).map((s) => s.environment));
  const byEnv = new Map<string, string[]>();
  for (const r of repositories) {
    const env = environmentOf(r, environments)?.name;
    if (env && synced.has(env)) byEnv.set(env, [...(byEnv.get(env) ?? []), r]);
  }
  const summaries = new Map<string, RepositorySummary>();
  for (const [environment, repos] of byEnv) for (const [k, v] of await repositorySummaries(prisma, visible, { environment, repositories: repos })) summaries.set(k, v);
  const now = new Date().getTime();
  return (
    <div className="card overflow-x-auto">
      <table className="table" data-testid="repo-list">
        <thead>
          <tr>
            <th>Repository</th>
            <th>Tags</th>
            <th>Size</th>
            <th>Last push</th>
            <th>Scan</th>
          </tr>
        </thead>
        <tbody>
          {repositories.map((r) => {
            const s = summaries.get(r);
            return (
              <tr key={r} data-testid={`repo-row-${r}`}>
                <td>
                  <Link className="text-sky-700 hover:underline" href={repositoryHref(registry, r)}>
                    {r}
                  </Link>
                </td>
                {s ? (
                  <>
                    <td data-testid="repo-tag-count">{s.tagCount}</td>
                    <td className="whitespace-nowrap text-xs">{formatBytes(s.size)}</td>
                    <td className="whitespace-nowrap text-xs" data-testid="repo-last-push">
                      <Time at={s.lastPush} now={now} relative />
                      {s.lastPushSource === "first-seen" && <span className="text-slate-500"> (first seen)</span>}
                    </td>
                    <td className="text-xs">
                      <ScanStatus s={s} />
                    </td>
                  </>
                ) : (
                  <td colSpan={4} className="text-xs text-slate-500">
                    not in a synced environment
                  </td>
                )}
              </tr>
            );
          })}
          {repositories.length === 0 && (
            <tr>
              <td colSpan={5} className="py-6 text-center text-sm text-slate-500">
                No repositories match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function ScanStatus({ s }: { s: RepositorySummary }) {
  if (s.scanned === 0) return <span className="text-slate-500">not scanned</span>;
  const partial = s.scanned < s.digests ? ` · ${s.scanned} of ${s.digests} images scanned` : "";
  if (s.critical + s.high === 0) return <span className="text-green-800">no critical or high{partial}</span>;
  return (
    <span className="text-red-800">
      {s.critical} critical, {s.high} high{partial}
    </span>
  );
}
