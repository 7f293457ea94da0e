import { Time } from "@/components/ui/time";
import type { FailureView } from "@/lib/probe/overview";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { ms } from "./format";

export function FailuresTable({ failures, now }: { failures: FailureView[]; now: number }) {
  return (
    <section className="card p-4" aria-label="Last failures">
      <h2 className="mb-2 font-semibold">Last failures</h2>
      <p className="mb-2 text-xs text-slate-500">The last 24 hours; identical consecutive failures of a probe are one row.</p>
      {failures.length === 0 ? (
        <p className="text-sm text-slate-500">No failed probe runs in the last 24 hours.</p>
      ) : (
        <ScrollRegion label="Last failures, scrollable">
          <table className="table" data-testid="failures">
          <thead>
            <tr>
              <th>Last</th>
              <th>Probe</th>
              <th>Error</th>
              <th>Message</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {failures.map((f, i) => (
              <tr key={`${f.at}-${f.target}-${i}`} data-testid="failure-run">
                <td className="whitespace-nowrap">
                  <Time at={f.at} now={now} relative />
                </td>
                <td>
                  {f.target}
                  {f.registry && <span className="text-xs text-slate-500"> · {f.registry}</span>}
                </td>
                <td className="font-mono text-xs">{f.errorClass ?? "—"}</td>
                <td className="max-w-xl text-xs break-words">
                  {f.message ?? "—"}
                  {f.count > 1 && (
                    <span className="ml-1 whitespace-nowrap font-medium text-slate-700" data-testid="failure-run-count">
                      × {f.count}, since <Time at={f.since} style="time" seconds={false} />
                    </span>
                  )}
                </td>
                <td className="text-xs whitespace-nowrap">{ms(f.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </ScrollRegion>
      )}
    </section>
  );
}
