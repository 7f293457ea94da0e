import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import type { FormAction } from "@/components/form/action-form";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { AlertView } from "@/lib/probe/alerts/list";

export function AlertsPanel({ alerts, now, acknowledge }: { alerts: AlertView[]; now: number; acknowledge?: FormAction }) {
  const open = alerts.filter((a) => !a.resolvedAt);
  const resolved = alerts.filter((a) => a.resolvedAt);
  return (
    <section className="card p-4" aria-label="Alerts">
      <h2 className="mb-2 font-semibold">
        Alerts {open.length > 0 && <Badge tone="red">{open.length} open</Badge>}
      </h2>
      {alerts.length === 0 && <p className="text-sm text-slate-500">No alerts in the last 24 hours.</p>}
      <ul className="divide-y divide-slate-100" data-testid="alerts">
        {[...open, ...resolved].map((a) => (
          <li key={a.id} className="flex flex-wrap items-start justify-between gap-2 py-2 text-sm" data-testid={`alert-${a.target}`}>
            <div className="min-w-0">
              <div>
                {a.resolvedAt ? <Badge tone="green">resolved</Badge> : <Badge tone="red">firing</Badge>} <span className="font-medium">{a.message}</span>
              </div>
              <div className="text-xs text-slate-500">
                rule {a.rule} · since <Time at={a.startedAt} /> (<Time at={a.startedAt} now={now} relative />)
                {a.resolvedAt && ` · ${a.resolveMessage ?? "resolved"}`}
                {a.acknowledgedBy && ` · acknowledged by ${a.acknowledgedBy}`}
                {a.notifyError ? <span className="text-red-700"> · webhook: {a.notifyError}</span> : a.notified ? " · webhook sent" : ""}
              </div>
            </div>
            {!a.resolvedAt && !a.acknowledgedAt && acknowledge && <HiddenFieldsButton action={acknowledge} fields={{ id: a.id }} label="Acknowledge" />}
          </li>
        ))}
      </ul>
    </section>
  );
}
