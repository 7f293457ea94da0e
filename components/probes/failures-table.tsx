import { formatAge } from "@/lib/format";
import type { FailureView } from "@/lib/probe/overview";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { ms } from "./format";

export function FailuresTable({ failures, now }: { failures: FailureView[]; now: number }) {
  return (
    <section className="card p-4" aria-label="Last failures">
      <h2 className="mb-2 font-semibold">Last failures</h2>
      {failures.length === 0 ? (
        <p className="text-sm text-slate-500">No failed probe runs on record.</p>
      ) : (
        <ScrollRegion label="Last failures, scrollable">
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
                <td className="whitespace-nowrap" title={f.at}>
                  {formatAge(f.at, now)} ago
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
        </ScrollRegion>
      )}
    </section>
  );
}
