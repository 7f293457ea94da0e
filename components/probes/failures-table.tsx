import { Time } from "@/components/ui/time";
import type { FailureView } from "@/lib/probe/overview";
import { ms } from "./format";

export function FailuresTable({ failures, now }: { failures: FailureView[]; now: number }) {
  return (
    <section className="card p-4" aria-label="Last failures">
      <h2 className="mb-2 font-semibold">Last failures</h2>
      {failures.length === 0 ? (
        <p className="text-sm text-slate-500">No failed probe runs on record.</p>
      ) : (
        <table className="table" data-testid="failures">
          <thead>
            <tr>
              <th>When</th>
              <th>Probe</th>
              <th>Error</th>
              <th>Message</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {failures.map((f, i) => (
              <tr key={`${f.at}-${f.target}-${i}`}>
                <td className="whitespace-nowrap">
                  <Time at={f.at} now={now} relative />
                </td>
                <td>
                  {f.target}
                  {f.registry && <span className="text-xs text-slate-500"> · {f.registry}</span>}
                </td>
                <td className="font-mono text-xs">{f.errorClass ?? "—"}</td>
                <td className="max-w-xl text-xs break-words">{f.message ?? "—"}</td>
                <td className="text-xs whitespace-nowrap">{ms(f.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
