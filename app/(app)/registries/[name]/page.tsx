import Link from "next/link";
import { Suspense } from "react";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { RegistryExtras } from "@/components/registry/registry-extras";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Pager } from "@/components/ui/pager";
import { openRegistryForPage } from "@/lib/browse/page-access";
import { searchRepositories } from "@/lib/browse/repositories";
import { load } from "@/lib/browse/result";
import { repositoryHref } from "@/lib/format";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${decodeURIComponent((await params).name)} · Registries` };
}

export default async function RegistryPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ q?: string; page?: string }> }) {
  const { name: raw } = await params;
  const name = decodeURIComponent(raw);
  const sp = await searchParams;
  const found = await openRegistryForPage(name);
  if (!found.ok) return <Forbidden message={found.message} />;
  const result = await load(name, () => searchRepositories(found.provider, { q: sp.q, page: Number(sp.page) || 1, pageSize: 50, namespaces: found.namespaces ?? undefined }));
  return (
    <>
      <PageHeader title={name} description={`Repositories on ${found.provider.host}${found.environments.length ? ` · environments: ${found.environments.map((e) => `${e.name} (${e.namespace || "root"})`).join(", ")}` : ""}`} />
      <form className="mb-4 flex gap-2" role="search" aria-label="Repository search">
        <input name="q" defaultValue={sp.q} placeholder="Search repositories…" className="input max-w-md" aria-label="Search repositories" />
        <button className="btn-primary">Search</button>
      </form>
      {!result.ok ? (
        <RegistryErrorPanel registry={name} error={result.error} />
      ) : (
        <>
          {/* projects, quotas, rate limits: extra registry calls, streamed in after the repository list */}
          <Suspense fallback={null}>
            <RegistryExtras provider={found.provider} repositories={result.data.items} namespaces={found.namespaces} />
          </Suspense>
          <p className="mb-2 text-sm text-slate-500" data-testid="repo-total">
            {result.data.total} repositor{result.data.total === 1 ? "y" : "ies"}
            {sp.q ? ` matching “${sp.q}”` : ""}
            {result.data.truncated && <span data-testid="repo-truncated"> · truncated: {result.data.truncated.message}</span>}
          </p>
          <div className="card">
            <ul className="divide-y divide-slate-100" data-testid="repo-list">
              {result.data.items.map((r) => (
                <li key={r} className="px-4 py-2 text-sm">
                  <Link className="text-sky-700 hover:underline" href={repositoryHref(name, r)}>
                    {r}
                  </Link>
                </li>
              ))}
              {result.data.items.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-500">No repositories match.</li>}
            </ul>
          </div>
          <Pager page={result.data.page} pageCount={result.data.pageCount} params={{ q: sp.q }} label="Repository pages" />
        </>
      )}
    </>
  );
}
