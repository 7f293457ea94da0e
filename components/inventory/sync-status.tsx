import { ActionForm, type FormAction } from "@/components/form/action-form";
import { Badge } from "@/components/ui/badge";
import type { Grant } from "@/lib/auth/policy";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { OVERDUE_AFTER_MS, syncStatusRows, type SyncStatusRow } from "@/lib/inventory/index/status";
import { currentTimeZone } from "@/lib/auth/time-zone";
import { formatDateTime } from "@/lib/time-format";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";
import { ScrollRegion } from "@/components/ui/scroll-region";

export function SyncStatusLoading() {
  return <p className="text-sm text-slate-400">reading sync status…</p>;
}

/**
 * How current the inventory index is, per environment the caller may see. `syncAction` is given
 * only to administrators: a "Sync now" button per environment.
 */
export async function SyncStatusPanel({ grants, syncAction }: { grants: readonly Grant[]; syncAction?: FormAction }) {
  const prisma = await getPrisma();
  const now = new Date();
  const rows = await syncStatusRows(prisma, await visibleEnvironments(prisma, grants), now);
  const { zone } = await currentTimeZone();
  if (rows.length === 0) return <p className="text-sm text-slate-500">No environments you may see.</p>;
  return (
    <ScrollRegion label="Sync status per environment" className="card">
      <table className="table" data-testid="sync-status">
        <thead>
          <tr>
            <th>Environment</th>
            <th>Last full sync</th>
            <th>Last incremental</th>
            <th>Duration</th>
            <th>Repositories</th>
            <th>Tags</th>
            <th>State</th>
            {syncAction && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.environment} data-testid={`sync-${r.environment}`}>
              <td className="font-medium">{r.environment}</td>
              <td>
                <When at={r.lastFullAt} now={now} />
              </td>
              <td>
                <When at={r.lastIncrementalAt} now={now} />
              </td>
              <td>{r.durationMs === null ? "—" : `${(r.durationMs / 1000).toFixed(1)} s`}</td>
              <td>{r.repositories}</td>
              <td>{r.tags}</td>
              <td className="text-xs">
                <StateCell row={r} now={now} zone={zone} />
              </td>
              {syncAction && (
                <td>
                  <ActionForm action={syncAction} submitLabel="Sync now" className="flex items-center gap-2" label={`Sync ${r.environment} now`}>
                    <input type="hidden" name="environment" value={r.environment} />
                  </ActionForm>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function When({ at, now }: { at: Date | null; now: Date }) {
  if (!at) return <span className="text-slate-400">—</span>;
  return <Time at={at} now={now} relative />;
}

function StateCell({ row, now, zone }: { row: SyncStatusRow; now: Date; zone: string }) {
  const parts: React.ReactNode[] = [];
  if (row.running) parts.push(<Badge key="running" tone="sky" title={`lease held until ${formatDateTime(row.running.until, zone, { seconds: true })}`}>running on {row.running.owner}</Badge>);
  if (row.stale) {
    parts.push(
      <span key="stale" className="text-red-700">
        stale since <Time at={row.stale.since} />, <Time at={row.stale.since} now={now} relative />: {row.stale.error ?? "the last sync failed"}
      </span>,
    );
  }
  if (row.overdue) parts.push(<Badge key="overdue" tone="red" title={`no sync for more than ${OVERDUE_AFTER_MS / 60_000} minutes (three maintenance runs)`}>overdue</Badge>);
  if (row.state === "never") parts.push(<span key="never" className="text-slate-500">never synced</span>);
  if (row.state === "fresh") parts.push(<Badge key="fresh" tone="green">current</Badge>);
  return <span className="flex flex-wrap items-center gap-1">{parts}</span>;
}
