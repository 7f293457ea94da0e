import Link from "next/link";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { artifactHref, shortDigest } from "@/lib/format";
import { driftMatrix } from "@/lib/replication/drift";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Drift" };

export default async function DriftPage() {
  const access = await authorizePage("replication.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const m = await driftMatrix(await getPrisma());
  return (
    <>
      <PageHeader
        title="Drift matrix"
        description="Every repository:tag present in more than one environment, with the digest each environment holds. A tag that should be the same image everywhere but is not is highlighted."
        actions={
          <Link href="/replication" className="btn-secondary">
            Replication
          </Link>
        }
      />
      <p className="mb-3 text-sm" data-testid="drift-summary">
        {m.rows.length} shared tag(s), <strong className={m.mismatches ? "text-red-700" : "text-emerald-700"}>{m.mismatches} mismatch(es)</strong>
        {m.environments.filter((e) => e.error || e.truncated).map((e) => (
          <span key={e.name} className="ml-2 text-amber-700">
            · {e.name}: {e.error ? `unreadable (${e.error})` : "partial"}
          </span>
        ))}
      </p>
      {m.rows.length === 0 ? (
        <EmptyState title="No tag is shared between environments" />
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="drift-matrix">
            <thead>
              <tr>
                <th>Repository:tag</th>
                {m.environments.map((e) => (
                  <th key={e.name} title={`${e.registry} (${e.registryKind})${e.namespace ? `, ${e.namespace}` : ""}`}>
                    {e.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
