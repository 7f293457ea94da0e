import { Time, ZoneLabel } from "@/components/ui/time";
import type { GroupView } from "@/lib/probe/overview";
import type { RangeKey } from "@/lib/probe/ranges";
import { LatencyChart, SuccessChart } from "./charts";
import { ms, percent } from "./format";
import { StateBadge } from "./state-badge";
import { ScrollRegion } from "@/components/ui/scroll-region";

export function RegistryCard({ group, range, now }: { group: GroupView; range: RangeKey; now: number }) {
  const title = group.registry ?? "Across environments";
  const key = group.registry ?? "across-environments";
  return (
    <section className="card p-4" aria-label={`Registry ${title}`} data-testid={`registry-card-${key}`}>
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <StateBadge state={group.state} reason={group.stateReason} testId={`registry-state-${key}`} />
      </header>
      <p className="mt-1 text-xs text-slate-500">{group.stateReason}</p>
      <dl className="mt-3 grid grid-cols-3 gap-2 text-sm">
        <div>
          <dt className="text-xs text-slate-500">Success</dt>
          <dd className="font-semibold">{percent(group.successRate)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">p95</dt>
          <dd className="font-semibold">{ms(group.p95, group.approximate)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">p99</dt>
          <dd className="font-semibold">{ms(group.p99, group.approximate)}</dd>
        </div>
      </dl>
      {group.targets.length > 0 && (
        <>
          <div className="mt-3">
            <LatencyChart targets={group.targets} range={range} />
            <SuccessChart targets={group.targets} range={range} />
            <p className="text-right text-xs text-slate-500" data-testid="chart-zone">
              times in <ZoneLabel />
            </p>
          </div>
          <ScrollRegion label={`Probes of ${title}`} className="mt-3">
            <table className="table">
              <thead>
                <tr>
                  <th>Probe</th>
                  <th>State</th>
                  <th>Last run</th>
                  <th>Success</th>
                  <th>p50</th>
                  <th>p95</th>
                  <th>p99</th>
                </tr>
              </thead>
              <tbody>
                {group.targets.map((t) => (
                  <tr key={t.id} data-testid={`probe-${t.name}`}>
                    <td className="min-w-48">
                      <div className="font-medium">{t.name}</div>
                      <div className="text-xs text-slate-500">
                        {t.kindLabel} · every {t.intervalSeconds}s
                      </div>
                      {t.last && !t.last.ok && (
                        <div className="mt-1 max-w-md text-xs break-words text-red-700" data-testid={`probe-error-${t.name}`}>
                          {t.last.errorClass}: {t.last.message}
                        </div>
                      )}
                    </td>
                    <td>
                      <StateBadge state={t.state} reason={t.stateReason} testId={`probe-state-${t.name}`} />
                    </td>
                    <td className="text-xs whitespace-nowrap">
                      {t.last ? (
                        <>
                          <Time at={t.last.at} now={now} relative /> · {ms(t.last.latencyMs)}
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="whitespace-nowrap">{percent(t.successRate)}</td>
                    <td className="whitespace-nowrap">{ms(t.p50, t.approximate)}</td>
                    <td className="whitespace-nowrap">{ms(t.p95, t.approximate)}</td>
                    <td className="whitespace-nowrap">{ms(t.p99, t.approximate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
    </section>
  );
}
