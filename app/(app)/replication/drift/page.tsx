import Link from "next/link";
import { z } from "zod";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { IndexAsOf } from "@/components/inventory/as-of";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ExportLinks } from "@/components/ui/export-links";
import { Pager } from "@/components/ui/pager";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { artifactHref, shortDigest } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { joinNamespace } from "@/lib/inventory/namespace";
import { driftMatrix, type DriftShow } from "@/lib/replication/drift";
import { getPrisma } from "@/lib/runtime";
import { refreshRepositoryAction, syncEnvironmentAction } from "../../registries/actions";
import { plural } from "@/lib/plural";

export const dynamic = "force-dynamic";
export const metadata = { title: "Drift" };

const SHOW: Record<DriftShow, string> = {
  shared: "tags in two or more environments",
  differs: "only tags whose digests differ",
  missing: "tags missing from some environment",
  all: "every tag",
};

const query = z.object({
  show: z.enum(["shared", "differs", "missing", "all"]).catch("shared"),
  q: z.string().max(200).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export default async function DriftPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const access = await authorizePage("replication.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const q = query.parse({ show: undefined, q: undefined, page: undefined, ...(await searchParams) });
  const prisma = await getPrisma();
  // only the environments this caller may view take part: no column, row or count from the others
  const m = await driftMatrix(prisma, await visibleEnvironments(prisma, access.principal.grants), { show: q.show, filter: q.q, page: q.page });
  const syncAction = can(access.principal, "environment.manage") ? syncEnvironmentAction : undefined;
  const now = new Date();
  const indexed = m.environments.filter((e) => e.asOf);
  const params = { show: q.show === "shared" ? undefined : q.show, q: q.q || undefined };
  return (
    <>
      <PageHeader
        title="Drift matrix"
        description="Which digest each environment holds for every repository:tag, from the inventory index (complete, not sampled). A tag that should be the same image everywhere but is not is highlighted."
        actions={
          <Link href="/replication" className="btn-secondary">
            Replication
          </Link>
        }
      />
      {m.environments.length === 0 ? (
        <EmptyState title="No environments you may view" />
      ) : indexed.length === 0 ? (
        <div className="card p-4" data-testid="drift-not-indexed">
          <h2 className="font-semibold">Not indexed yet</h2>
          <p className="mb-3 text-sm text-slate-500">The inventory index has not read any of these environments yet, so there is nothing to compare.{syncAction ? "" : " An administrator can sync them under Registries."}</p>
          <ul className="space-y-2">
            {m.environments.map((e) => (
              <li key={e.name} className="flex items-center gap-2 text-sm">
                <span className="font-medium">{e.name}</span> <IndexAsOf env={e} now={now} syncAction={syncAction} />
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <>
          <p className="mb-3 text-sm" data-testid="drift-summary">
            {plural(m.shared, "shared tag")}, <strong className={m.mismatches ? "text-red-700" : "text-emerald-700"}>{plural(m.mismatches, "mismatch", "mismatches")}</strong>
          </p>
          <form method="get" className="mb-3 flex flex-wrap items-center gap-2 text-sm" aria-label="Filter the drift matrix">
            <input name="q" defaultValue={q.q} placeholder="repository or tag contains…" className="input w-64" aria-label="Repository or tag contains" />
            <select name="show" defaultValue={q.show} className="input w-auto" aria-label="Show">
              {Object.entries(SHOW).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <button type="submit" className="btn-secondary">
              Apply
            </button>
            <span className="text-slate-500" data-testid="drift-matching">
              {plural(m.matching, "row")}
            </span>
            <span className="ml-auto">
              <ExportLinks path="/api/v1/exports/drift" params={{ show: q.show, q: q.q || undefined }} what="all matching rows" />
            </span>
          </form>
          <div className="card overflow-x-auto">
            <table className="table" data-testid="drift-matrix">
              <thead>
                <tr>
                  <th>Repository:tag</th>
                  {m.environments.map((e) => (
                    <th key={e.name} title={`${e.registry} (${e.registryKind})${e.namespace ? `, ${e.namespace}` : ""}`} data-testid={`drift-env-${e.name}`}>
                      {e.name}
                      <IndexAsOf env={e} now={now} syncAction={syncAction} />
                    </th>
                  ))}
                  <th />
                </tr>
              </thead>
              <tbody>
                {m.rows.length === 0 && (
                  <tr>
                    <td colSpan={m.environments.length + 2} className="py-6 text-center text-slate-500">
                      No {SHOW[q.show]}
                      {q.q ? ` matching “${q.q}”` : ""}.
                    </td>
                  </tr>
                )}
                {m.rows.map((r) => (
                  <tr key={`${r.repository}:${r.tag}`} data-testid="drift-row" data-consistent={r.consistent} className={r.consistent ? "" : "bg-red-50"}>
                    <td className="font-medium">
                      {r.repository}:{r.tag}
                      {!r.consistent && <span className="ml-2 rounded bg-red-600 px-1.5 py-0.5 text-xs text-white">{r.variants} digests</span>}
                    </td>
                    {m.environments.map((e) => {
                      const c = r.cells[e.name];
                      if (!c) return <td key={e.name} className="text-xs text-slate-400">—</td>;
                      const odd = !r.consistent && c.digest !== r.majority;
                      return (
                        <td key={e.name} data-env={e.name} data-digest={c.digest} data-mismatch={!r.consistent} className={odd ? "font-semibold text-red-700" : ""}>
                          <Link className="font-mono text-xs hover:underline" href={artifactHref(e.registry, c.repository, c.digest)} title={c.digest}>
                            {shortDigest(c.digest)}
                          </Link>
                        </td>
                      );
                    })}
                    <td>
                      {/* re-read this repository from each environment's registry now (audited), then reload */}
                      <details className="text-xs">
                        <summary className="cursor-pointer text-sky-700">Refresh</summary>
                        <div className="mt-1 space-y-1">
                          {m.environments.map((e) => {
                            const repository = r.cells[e.name]?.repository ?? joinNamespace(e.namespace, r.repository);
                            return <HiddenFieldsButton key={e.name} action={refreshRepositoryAction} fields={{ environment: e.name, repository }} label={`in ${e.name}`} ariaLabel={`Refresh ${repository} in ${e.name}`} inline={false} />;
                          })}
                        </div>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={m.page} pageCount={m.pageCount} params={params} label="Drift pages" />
        </>
      )}
    </>
  );
}
