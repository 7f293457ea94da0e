import Link from "next/link";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { ActorName } from "@/components/ui/actor-name";
import { Badge } from "@/components/ui/badge";
import { parseAuditFilters } from "@/lib/audit/filters";
import { listAudit } from "@/lib/audit/log";
import { authorizePage } from "@/lib/auth/page";
import { decide } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";
import { ScrollRegion } from "@/components/ui/scroll-region";

export const metadata = { title: "Audit" };

const tone = { success: "green", failure: "amber", denied: "red" } as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("audit.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const raw = await searchParams;
  const f = parseAuditFilters(raw);
  const { rows, nextBefore } = await listAudit(await getPrisma(), f);
  const next = nextBefore ? `?${new URLSearchParams({ ...raw, before: nextBefore.toString() })}` : null;
  // the whole filtered view, not the page on screen: no `before`
  const { before: _page, ...kept } = raw;
  const exportHref = (format: string) => `/api/v1/audit/export?${new URLSearchParams({ ...kept, format })}`;
  const canExport = decide(access.principal.grants, "audit.export").allowed;
  return (
    <>
      <PageHeader title="Audit log" description="Every sign-in, refusal and change, newest first." />
      {canExport && (
        <div className="mb-3 flex justify-end gap-2" aria-label="Export the filtered audit log">
          <a className="btn-secondary" href={exportHref("csv")} download>
            Export CSV
          </a>
          <a className="btn-secondary" href={exportHref("json")} download>
            Export JSON
          </a>
        </div>
      )}
      <form className="card mb-4 grid grid-cols-1 gap-3 p-4 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-6" aria-label="Filter audit events">
        <input name="actor" placeholder="Who (email)" defaultValue={raw.actor} className="input" aria-label="Who (email)" />
        <input name="action" placeholder="Action (e.g. auth.)" defaultValue={raw.action} className="input" aria-label="Action" />
        <select name="outcome" defaultValue={raw.outcome ?? ""} className="input" aria-label="Outcome">
          <option value="">Any outcome</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="denied">denied</option>
        </select>
        <input name="target" placeholder="Target" defaultValue={raw.target} className="input" aria-label="Target" />
        <input name="from" type="date" defaultValue={raw.from} className="input" aria-label="From date" />
        <div className="flex gap-2">
          <input name="to" type="date" defaultValue={raw.to} className="input" aria-label="To date" />
          <button className="btn-primary">Filter</button>
        </div>
      </form>
      <ScrollRegion label="Audit events" className="card">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>From</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={7} className="py-6 text-center text-slate-500">
                  No events match these filters.
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.id.toString()}>
                <td className="whitespace-nowrap font-mono text-xs">
                  <Time at={r.at} seconds />
                </td>
                <td>
                  <ActorName name={r.actorEmail} />
                </td>
                <td className="font-mono text-xs">{r.action}</td>
                <td className="text-xs">{r.targetType ? `${r.targetType}: ${r.targetId}` : "—"}</td>
                <td>
                  <Badge tone={tone[r.outcome as keyof typeof tone] ?? "slate"}>{r.outcome}</Badge>
                </td>
                <td className="font-mono text-xs">{r.sourceIp ?? "—"}</td>
                <td className="font-mono text-xs">
                  {/* one line, cut at the column's width; the whole JSON on hover (a td ignores max-width) */}
                  <div className="max-w-xs truncate" title={r.detail ? JSON.stringify(r.detail) : undefined}>
                    {r.detail ? JSON.stringify(r.detail) : ""}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {next && (
        <div className="mt-3 text-right">
          <Link className="btn-secondary" href={next}>
            Older events →
          </Link>
        </div>
      )}
    </>
  );
}
