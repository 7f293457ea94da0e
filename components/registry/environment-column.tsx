import Link from "next/link";
import { environmentProvider } from "@/lib/browse/lookup";
import { environmentColumn } from "@/lib/browse/overview";
import { load } from "@/lib/browse/result";
import { formatAge, repositoryHref } from "@/lib/format";
import { getPrisma } from "@/lib/runtime";
import { RegistryErrorPanel } from "./registry-error";

const COLUMN_SIZE = 8;

export function EnvironmentReposLoading() {
  return <p className="text-sm text-slate-400">Loading repositories…</p>;
}

/**
 * One environment's repositories, rendered on the server. The page streams each column in its own
 * Suspense boundary, so one environment's registry being slow or down never holds up the others.
 */
export async function EnvironmentRepos({ env, registry }: { env: string; registry: string }) {
  const found = await environmentProvider(await getPrisma(), env);
  if (!found) return <p role="alert" className="text-sm text-red-700">Could not load: no environment named {env}</p>;
  const r = await load(found.env.registry.name, () => environmentColumn(found.provider, found.env.namespace, COLUMN_SIZE));
  if (!r.ok) return <RegistryErrorPanel registry={r.registry} error={r.error} compact />;
  return (
    <div>
      <div className="mb-2 text-xs text-slate-500" data-testid="repo-count">
        {r.data.total} repositor{r.data.total === 1 ? "y" : "ies"}
      </div>
      <ul className="divide-y divide-slate-100 text-sm">
        {r.data.repositories.map((repo) => (
          <li key={repo.name} className="flex items-center justify-between gap-2 py-1.5">
            <Link href={repositoryHref(registry, repo.name)} className="truncate text-sky-700 hover:underline">
              {repo.name}
            </Link>
            <span className="shrink-0 text-xs text-slate-500" title={repo.lastPush ? `last push ${repo.lastPush}` : undefined}>
              {repo.tagCount} tag{repo.tagCount === 1 ? "" : "s"} · {formatAge(repo.lastPush)}
            </span>
          </li>
        ))}
      </ul>
      {r.data.total > r.data.repositories.length && (
        <Link href={`/registries/${encodeURIComponent(registry)}`} className="mt-2 block text-xs text-sky-700 hover:underline">
          all {r.data.total} →
        </Link>
      )}
    </div>
  );
}
