import { Badge } from "@/components/ui/badge";
import { shortDigest } from "@/lib/format";
import type { ScanEvidence } from "@/lib/scan/evidence";
import { Time } from "@/components/ui/time";

/** Every scan report the gate found: where it came from, what it says, and why it was used or not. */
export function ScanEvidenceList({ reports }: { reports: ScanEvidence[] }) {
  return (
    <ul className="mt-1 ml-4 space-y-0.5 text-xs" data-testid="scan-evidence">
      {reports.map((r, i) => (
        <li key={r.referrer ?? `${r.origin}-${i}`}>
          <Badge tone={r.used ? "green" : "slate"}>{r.used ? "used" : "not used"}</Badge> {r.origin === "registry" ? "registry scanner" : `referrer ${r.referrer ? `${shortDigest(r.referrer)}…` : ""}`}
          {r.scanner ? ` · ${r.scanner}` : ""}
          {r.scannedAt && (
            <>
              {" · "}
              <Time at={r.scannedAt} />
            </>
          )}
          {r.counts ? ` · critical ${r.counts.critical}, high ${r.counts.high}, medium ${r.counts.medium}` : ""}
          <span className="text-slate-500"> — {r.why}</span>
        </li>
      ))}
    </ul>
  );
}
