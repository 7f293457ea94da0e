import Link from "next/link";
import { z } from "zod";
import { CopyDigest } from "@/components/registry/copy-digest";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { TableFilter } from "@/components/ui/table-filter";
import { browseCrumbs } from "@/lib/browse/breadcrumbs";
import { Badge } from "@/components/ui/badge";
import { SortHeader } from "@/components/ui/sort-header";
import { Pager } from "@/components/ui/pager";
import { openRegistryForPage } from "@/lib/browse/page-access";
import { ActionForm } from "@/components/form/action-form";
import { can } from "@/lib/auth/session";
import { environmentOf } from "@/lib/inventory/namespace";
import { refreshRepositoryAction } from "../../../actions";
import { loadTagPage } from "@/lib/browse/tag-page";
import { ScanCell } from "@/components/scans/scan-cell";
import { scanSummaries, type ScanSummary } from "@/lib/inventory/index/vulnerabilities";
import { getPrisma } from "@/lib/runtime";
import { LifecycleCells, lifecycleColumnCount, LifecycleHeaders, LifecyclePolicyNote } from "@/components/registry/lifecycle-cells";
import { artifactHref, formatBytes, scanHref, shortDigest, shortMediaType } from "@/lib/format";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ repo: string[] }> }) {
  return { title: (await params).repo.map(decodeURIComponent).join("/") };
}

const query = z.object({
  page: z.coerce.number().int().min(1).catch(1),
  sort: z.enum(["tag", "created", "size"]).catch("tag"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  group: z.enum(["1"]).optional().catch(undefined),
});

export default async function RepositoryPage({ params, searchParams }: { params: Promise<{ name: string; repo: string[] }>; searchParams: Promise<Record<string, string>> }) {
  const p = await params;
  const name = decodeURIComponent(p.name);
  const repo = p.repo.map(decodeURIComponent).join("/");
  const q = query.parse(await searchParams);
  const found = await openRegistryForPage(name, repo);
  if (!found.ok) return <Forbidden message={found.message} />;
  const { table: result, lifecycle: lifecycleResult } = await loadTagPage(found.provider, repo, { page: q.page, pageSize: 50, sort: q.sort, dir: q.dir, group: q.group === "1" });
  const lifecycle = lifecycleResult.ok ? lifecycleResult.data : null;
  const scans = result.ok ? await scanSummaries(await getPrisma(), result.data.rows.map((r) => r.digest)) : new Map<string, ScanSummary>();

  const base = { sort: q.sort, dir: q.dir, group: q.group };
  const sortLink = (col: "tag" | "created" | "size", label: string) => {
    const dir = q.sort === col && q.dir === "asc" ? "desc" : "asc";
    const params = new URLSearchParams(Object.entries({ ...base, sort: col, dir }).filter(([, v]) => v) as [string, string][]);
    return <SortHeader href={`?${params}`} label={label} direction={q.sort === col ? q.dir : undefined} />;
  };
  // Refresh re-reads this repository into the inventory index of the environment that holds it
  const home = environmentOf(repo, found.environments);
  const refreshIn = home && can(found.principal, "environment.view", { environment: home.name }) ? home.name : undefined;
  const groupToggle = new URLSearchParams(Object.entries({ ...base, group: q.group ? undefined : "1" }).filter(([, v]) => v) as [string, string][]);

  return (
    <>
      <Breadcrumbs crumbs={browseCrumbs({ registry: name, repository: repo })} />
      <PageHeader
        title={repo}
        description={`${found.provider.host}/${repo}`}
        actions={
          <div className="flex items-start gap-2">
            {refreshIn && (
              <ActionForm action={refreshRepositoryAction} submitLabel="Refresh" className="flex items-center gap-2" label={`Refresh ${repo} in the index of ${refreshIn}`}>
                <input type="hidden" name="environment" value={refreshIn} />
                <input type="hidden" name="repository" value={repo} />
              </ActionForm>
            )}
            <Link href={`?${groupToggle}`} className="btn-secondary">
              {q.group ? "Show every tag" : "Group tags by digest"}
            </Link>
          </div>
        }
      />
      {!result.ok ? (
        <RegistryErrorPanel registry={name} error={result.error} />
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-500" data-testid="tag-total">
            {plural(result.data.totalTags, "tag")}
            {q.group ? ` · ${plural(result.data.totalRows, "distinct digest")}` : ""}
            {result.data.referrerTags > 0 && ` (+${plural(result.data.referrerTags, "referrer tag")} hidden)`}
            {result.data.truncated && <span data-testid="tags-truncated"> · truncated: {result.data.truncated.message}</span>}
          </p>
          <LifecyclePolicyNote lifecycle={lifecycle} error={lifecycleResult.ok ? undefined : lifecycleResult.error.message} />
          <TableFilter tableTestId="tags-table" label="Filter tags on this page" placeholder="Filter tags, digests, platforms…" />
          <div className="card overflow-x-auto">
            <table className="table" data-testid="tags-table">
              <thead>
                <tr>
                  {sortLink("tag", "Tag")}
                  <th>Digest</th>
                  <th>Media type</th>
                  {sortLink("size", "Size")}
                  <th>Platforms</th>
                  {sortLink("created", "Created")}
                  <th>Age</th>
                  <LifecycleHeaders lifecycle={lifecycle} />
                  <th>Scan</th>
                </tr>
              </thead>
              <tbody>
                {result.data.rows.map((r) => (
                  <tr key={`${r.tags.join(",")}@${r.digest}`} data-testid={`tag-row-${r.tags[0]}`} data-filter={[...r.tags, r.digest, ...r.platforms].join(" ")}>
                    <td className="space-x-1">
                      {r.tags.map((t) => (
                        <Link key={t} href={artifactHref(name, repo, t)} className="font-medium text-sky-700 hover:underline">
                          {t}
                        </Link>
                      ))}
                    </td>
                    <td>
                      <CopyDigest digest={r.digest} short={shortDigest(r.digest)} />
                    </td>
                    <td className="text-xs">{r.artifactType ? <Badge>{r.artifactType}</Badge> : shortMediaType(r.mediaType)}</td>
                    <td className="whitespace-nowrap text-xs">{formatBytes(r.size)}</td>
                    <td className="text-xs">{r.platforms.join(", ") || "—"}</td>
                    <td className="whitespace-nowrap font-mono text-xs">
                      <Time at={r.created} />
                    </td>
                    <td className="text-xs">
                      <Time at={r.created} relative />
                    </td>
                    <LifecycleCells lifecycle={lifecycle} tags={r.tags} />
                    <td className="text-xs">
                      <ScanCell summary={scans.get(r.digest)} href={scanHref(name, repo, r.digest)} />
                    </td>
                  </tr>
                ))}
                {result.data.rows.length === 0 && (
                  <tr>
                    <td colSpan={8 + lifecycleColumnCount(lifecycle)} className="py-6 text-center text-slate-500">
                      This repository has no tags.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pager page={result.data.page} pageCount={result.data.pageCount} params={base} label="Tag pages" />
        </>
      )}
    </>
  );
}
