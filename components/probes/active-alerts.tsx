import Link from "next/link";
import { listAlerts } from "@/lib/probe/alerts/list";
import { getPrisma } from "@/lib/runtime";

/** The dashboard's view of probe alerts: open ones only, linking to the probes page for the rest. */
export async function ActiveAlerts() {
  const open = await listAlerts(await getPrisma(), { openOnly: true });
  if (open.length === 0) return null;
  return (
    <section role="alert" aria-label="Open probe alerts" className="mb-6 rounded-lg border border-red-200 bg-red-50 p-4" data-testid="dashboard-alerts">
      <div className="flex items-center justify-between gap-2">
        <h2 className="font-semibold text-red-800">
          {open.length} open probe alert{open.length === 1 ? "" : "s"}
        </h2>
        <Link href="/probes" className="text-sm text-red-800 underline">
          Probes
        </Link>
      </div>
      <ul className="mt-2 space-y-1 text-sm text-red-900">
        {open.slice(0, 5).map((a) => (
          <li key={a.id}>
            {a.message}
            {a.acknowledgedBy && <span className="text-xs text-red-700"> · acknowledged by {a.acknowledgedBy}</span>}
          </li>
        ))}
        {open.length > 5 && <li className="text-xs">and {open.length - 5} more</li>}
      </ul>
    </section>
  );
}
