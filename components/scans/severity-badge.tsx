import type { Severity } from "@/lib/scan/model";

const styles: Record<Severity, string> = {
  critical: "bg-red-600 text-white",
  high: "bg-red-100 text-red-800",
  medium: "bg-amber-100 text-amber-800",
  low: "bg-sky-100 text-sky-800",
  negligible: "bg-slate-100 text-slate-600",
  unknown: "bg-slate-100 text-slate-600",
};

export function SeverityBadge({ severity, count }: { severity: Severity; count?: number }) {
  return (
    <span data-severity={severity} className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium capitalize ${styles[severity]}`}>
      {count !== undefined ? `${count} ${severity}` : severity}
    </span>
  );
}

/** "2 critical · 1 high" — only the severities present. */
export function SeverityCounts({ counts }: { counts: Record<Severity, number> }) {
  const present = (Object.keys(styles) as Severity[]).filter((s) => counts[s] > 0);
  if (present.length === 0) return <span className="text-xs text-emerald-700">no findings</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {present.map((s) => (
        <SeverityBadge key={s} severity={s} count={counts[s]} />
      ))}
    </span>
  );
}
