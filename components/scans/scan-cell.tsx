import Link from "next/link";
import type { ScanSummary } from "@/lib/inventory/index/vulnerabilities";
import { SeverityCounts } from "./severity-badge";

/**
 * A tag row's scan column: the indexed summary linking to the findings, or "not scanned" (not a
 * "report" link promising a report). Its link still opens the scan page, which reads the registry
 * live and says how to attach a Trivy report.
 */
export function ScanCell({ summary, href }: { summary: ScanSummary | undefined; href: string }) {
  if (!summary) {
    return (
      <Link href={href} className="text-xs text-slate-500 hover:underline" title="No scan report in the index: open to check the registry and see how to attach a Trivy report">
        not scanned
      </Link>
    );
  }
  return (
    <Link href={href} className="hover:underline" aria-label="scan findings">
      <SeverityCounts counts={summary.counts} />
    </Link>
  );
}
