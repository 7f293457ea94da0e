import type { RetentionItemOutcome, RetentionPlanItem } from "@/lib/retention/types";
import type { DeletionSupport } from "@/lib/registry/capabilities";

/**
 * What an execution did, item by item: deleted, skipped (with why: "tag moved to sha256:…", "now
 * protected: running in prod"), failed (the registry's words) or not attempted. The reclaim note says
 * when the space comes back (Distribution: offline `registry garbage-collect`); `gcForm` is where the
 * page puts the admin's "start garbage collection" button for registries that have a GC API.
 */
export function ExecutionResult({ status, items, outcomes, deletion, gcForm }: { status: string; items: RetentionPlanItem[]; outcomes: RetentionItemOutcome[]; deletion?: DeletionSupport; gcForm?: React.ReactNode }) {
  const byIndex = new Map(outcomes.map((o) => [o.index, o]));
  const count = (s: string) => items.filter((_, i) => (byIndex.get(i)?.status ?? "pending") === s).length;
  const notDeleted = items.map((item, i) => ({ item, o: byIndex.get(i) })).filter(({ o }) => o?.status !== "deleted");
  return (
    <section aria-label="Execution result" className="space-y-3">
      <p className="text-sm">
        <strong>{status}</strong>: {count("deleted")} deleted, {count("skipped")} skipped, {count("failed")} failed, {count("pending")} not attempted.
      </p>
      {deletion && count("deleted") > 0 && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" role="note">
          {deletion.note}
        </p>
      )}
      {deletion?.reclaim === "gc-api" && count("deleted") > 0 && gcForm}
      {notDeleted.length > 0 && (
        <table className="w-full text-sm">
          <caption className="sr-only">Items not deleted</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th scope="col">Repository</th>
              <th scope="col">Tag</th>
              <th scope="col">Digest</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {notDeleted.map(({ item, o }, i) => (
              <tr key={i}>
                <td>{item.repository}</td>
                <td>{item.tag ?? <em>untagged</em>}</td>
                <td className="font-mono text-xs">{item.digest.slice(0, 19)}…</td>
                <td>{o?.status ?? "pending"}</td>
                <td>{o?.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
