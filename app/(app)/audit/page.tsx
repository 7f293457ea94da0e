import Link from "next/link";
import { z } from "zod";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { listAudit } from "@/lib/audit/log";
import { authorizePage } from "@/lib/auth/page";
import { formatTimestamp } from "@/lib/format";
import { getPrisma } from "@/lib/runtime";
import { ScrollRegion } from "@/components/ui/scroll-region";

export const metadata = { title: "Audit" };

const filters = z.object({
  actor: z.string().trim().max(320).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  outcome: z.enum(["success", "failure", "denied"]).optional().catch(undefined),
  target: z.string().trim().max(200).optional().catch(undefined),
  from: z.coerce.date().optional().catch(undefined),
  to: z.coerce.date().optional().catch(undefined),
  before: z.string().regex(/^\d+$/).transform(BigInt).optional().catch(undefined),
});

const tone = { success: "green", failure: "amber", denied: "red" } as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("audit.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const raw = await searchParams;
  const f = filters.parse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")));
  const { rows, nextBefore } = await listAudit(await getPrisma(), f);
  const next = nextBefore ? `?${new URLSearchParams({ ...raw, before: nextBefore.toString() })}` : null;
  return (
    <>
      <PageHeader title="Audit log" description="Every sign-in, refusal and change, newest first." />
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
              <th>When (UTC)</th>
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
                <td className="whitespace-nowrap font-mono text-xs">{formatTimestamp(r.at.toISOString())}</td>
                <td>{r.actorEmail ?? "—"}</td>
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
