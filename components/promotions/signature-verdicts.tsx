import { Badge } from "@/components/ui/badge";
import { shortDigest } from "@/lib/format";
import type { SignatureFormat, SignatureVerdict } from "@/lib/signature/types";

const FORMAT: Record<SignatureFormat, string> = { cosign: "cosign", notation: "Notation", "sigstore-bundle": "Sigstore bundle", unknown: "unknown format" };
const FOUND_VIA: Record<SignatureVerdict["foundVia"], string> = { tag: "cosign .sig tag", referrer: "referrer" };

/** Every signature the gate found: its format, where it was found, and who signed it or why it does not count. */
export function SignatureVerdictList({ signatures }: { signatures: SignatureVerdict[] }) {
  return (
    <ul className="mt-1 ml-4 space-y-0.5 text-xs" data-testid="signature-verdicts">
      {signatures.map((s, i) => (
        <li key={`${s.manifestDigest}-${i}`} data-testid="signature-verdict">
          <Badge tone={s.verified ? "green" : "slate"}>{s.verified ? "verified" : "does not count"}</Badge> {FORMAT[s.format] ?? s.format} · {FOUND_VIA[s.foundVia] ?? s.foundVia}
          {s.manifestDigest ? <span className="font-mono text-slate-400"> {shortDigest(s.manifestDigest)}…</span> : null}
          <span className="text-slate-500"> — {s.reason}</span>
        </li>
      ))}
    </ul>
  );
}
