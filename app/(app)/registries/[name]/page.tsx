import { Suspense } from "react";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { RegistryExtras } from "@/components/registry/registry-extras";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Pager } from "@/components/ui/pager";
import { openRegistryForPage } from "@/lib/browse/page-access";
import { searchRepositories } from "@/lib/browse/repositories";
import { load } from "@/lib/browse/result";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { RepositoryList } from "@/components/registry/repository-list";
import { browseCrumbs } from "@/lib/browse/breadcrumbs";

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
      <Breadcrumbs crumbs={browseCrumbs({ registry: name })} />
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
          <Suspense fallback={<RepositoryListLoading names={result.data.items} />}>
            <RepositoryList registry={name} repositories={result.data.items} environments={found.environments} grants={found.principal.grants} />
          </Suspense>
          <Pager page={result.data.page} pageCount={result.data.pageCount} params={{ q: sp.q }} label="Repository pages" />
        </>
      )}
    </>
  );
}

function RepositoryListLoading({ names }: { names: string[] }) {
  return (
    <ul className="card divide-y divide-slate-100" aria-busy="true">
      {names.map((r) => (
        <li key={r} className="px-4 py-2 text-sm text-slate-500">
          {r}
        </li>
      ))}
    </ul>
  );
}
