import Link from "next/link";
import type { FormAction } from "@/components/form/action-form";
import { IndexAsOf } from "@/components/inventory/as-of";
import type { Grant } from "@/lib/auth/policy";
import { repositoryHref } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { environmentRepositories } from "@/lib/inventory/index/reads";
import { syncStatusRows } from "@/lib/inventory/index/status";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

const COLUMN_SIZE = 8;

export function EnvironmentReposLoading() {
  return <p className="text-sm text-slate-400">Loading repositories…</p>;
}

/**
 * One environment's repositories, from the inventory index, with how current that is. The page
 * streams each column in its own Suspense boundary. `syncAction` (administrators) offers Sync now
 * for an environment the index has not read yet.
 */
export async function EnvironmentRepos({ env, registry, grants, syncAction }: { env: string; registry: string; grants: readonly Grant[]; syncAction?: FormAction }) {
  const prisma = await getPrisma();
  const visible = await visibleEnvironments(prisma, grants);
  const [status] = await syncStatusRows(prisma, visible === "all" ? [env] : visible.filter((e) => e === env));
  if (!status) return null;
  const now = new Date();
  const freshness = { name: env, asOf: status.asOf, stale: status.stale };
  if (!status.asOf) return <IndexAsOf env={freshness} now={now} syncAction={syncAction} />;
  const r = await environmentRepositories(prisma, visible, { environment: env, limit: COLUMN_SIZE });
  return (
    <div>
      <div className="mb-2 text-xs text-slate-500" data-testid="repo-count">
        {plural(r.total, "repository", "repositories")}
      </div>
      <IndexAsOf env={freshness} now={now} />
      <ul className="divide-y divide-slate-100 text-sm">
        {r.repositories.map((repo) => {
          return (
            <li key={repo.name} className="flex items-center justify-between gap-2 py-1.5">
              <Link href={repositoryHref(registry, repo.name)} className="truncate text-sky-700 hover:underline">
                {repo.name}
              </Link>
              <span className="shrink-0 text-xs text-slate-500">
                {plural(repo.tagCount, "tag")} · last tag change seen <Time at={repo.lastChange} now={now} relative />
              </span>
            </li>
          );
        })}
      </ul>
      {r.total > r.repositories.length && (
        <Link href={`/registries/${encodeURIComponent(registry)}`} className="mt-2 block text-xs text-sky-700 hover:underline">
          all {r.total} →
        </Link>
      )}
    </div>
  );
}
