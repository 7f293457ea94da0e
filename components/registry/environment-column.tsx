"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchLoaded } from "@/components/fetch-json";
import type { EnvironmentColumn } from "@/lib/browse/overview";
import { formatAge, repositoryHref } from "@/lib/format";
import { RegistryErrorPanel } from "./registry-error";

const fetchColumn = (env: string) => fetchLoaded<EnvironmentColumn>(`/api/v1/environments/${encodeURIComponent(env)}/repositories?limit=8`, (status) => `the server answered HTTP ${status}`);

/** Loads on its own, so one environment's registry being down never blanks the others. */
export function EnvironmentRepos({ env, registry }: { env: string; registry: string }) {
  const q = useQuery({ queryKey: ["env-column", env], queryFn: () => fetchColumn(env) });
  if (q.isPending) return <p className="text-sm text-slate-400">Loading repositories…</p>;
  if (q.isError) return <p role="alert" className="text-sm text-red-700">Could not load: {q.error.message}</p>;
  const r = q.data;
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
