import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import type { FormAction } from "@/components/form/action-form";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { AlertView } from "@/lib/probe/alerts/list";
import { SilenceForm } from "./silence-form";

/**
 * Firing alerts first. An acknowledged alert is visibly handled (muted row, "acknowledged by X at T")
 * so the eye goes to the ones nobody has picked up; a silenced one says until when and by whom.
 */
export function AlertsPanel({ alerts, now, acknowledge, silence }: { alerts: AlertView[]; now: number; acknowledge?: FormAction; silence?: FormAction }) {
  const open = alerts.filter((a) => !a.resolvedAt);
  const resolved = alerts.filter((a) => a.resolvedAt);
  const unhandled = open.filter((a) => !a.acknowledgedAt).length;
  return (
    <section className="card p-4" aria-label="Alerts">
      <h2 className="mb-2 font-semibold">
        Alerts {open.length > 0 && <Badge tone="red">{open.length} open</Badge>} {open.length > unhandled && <Badge tone="sky">{open.length - unhandled} acknowledged</Badge>}
      </h2>
      {alerts.length === 0 && <p className="text-sm text-slate-500">No alerts in the last 24 hours.</p>}
      <ul className="divide-y divide-slate-100" data-testid="alerts">
        {[...open, ...resolved].map((a) => {
          const acked = !!a.acknowledgedAt;
          return (
            <li
              key={a.id}
              className={`flex flex-wrap items-start justify-between gap-2 py-2 text-sm ${!a.resolvedAt && acked ? "border-l-4 border-sky-300 bg-slate-50 pl-2" : !a.resolvedAt ? "border-l-4 border-red-500 pl-2" : ""}`}
              data-testid={`alert-${a.target}`}
              data-state={a.resolvedAt ? "resolved" : acked ? "acknowledged" : "firing"}
            >
              <div className="min-w-0">
                <div>
                  {a.resolvedAt ? <Badge tone="green">resolved</Badge> : acked ? <Badge tone="sky">acknowledged</Badge> : <Badge tone="red">firing</Badge>}{" "}
                  {a.silencedUntil && <Badge tone="amber">silenced</Badge>} <span className={`font-medium ${acked && !a.resolvedAt ? "text-slate-600" : ""}`}>{a.message}</span>
                </div>
                <div className="text-xs text-slate-600">
                  rule {a.rule} · since <Time at={a.startedAt} /> (<Time at={a.startedAt} now={now} relative />)
                  {a.resolvedAt && ` · ${a.resolveMessage ?? "resolved"}`}
                  {a.acknowledgedAt && (
                    <span data-testid="acknowledged-by">
                      {" "}
                      · acknowledged by {a.acknowledgedBy ?? "someone"} at <Time at={a.acknowledgedAt} />
                    </span>
                  )}
                  {a.silencedUntil && (
                    <span data-testid="silenced-until">
                      {" "}
                      · {a.silencedVia === "rule" ? "rule " : ""}silenced until <Time at={a.silencedUntil} />
                      {a.silencedBy ? ` by ${a.silencedBy}` : ""}: no notifications until then
                    </span>
                  )}
                  {a.notifyError && !a.notifyError.startsWith("held:") ? <span className="text-red-700"> · webhook: {a.notifyError}</span> : a.notified ? " · webhook sent" : ""}
                </div>
              </div>
              {!a.resolvedAt && (
                <div className="flex flex-wrap items-start gap-2">
                  {!acked && acknowledge && <HiddenFieldsButton action={acknowledge} fields={{ id: a.id }} label="Acknowledge" />}
                  {silence && <SilenceForm action={silence} id={a.id} what={`the alert on ${a.target}`} silenced={a.silencedVia === "alert"} />}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
