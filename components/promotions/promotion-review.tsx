import Link from "next/link";
import { SeverityCounts } from "@/components/scans/severity-badge";
import { formatBytes, shortDigest } from "@/lib/format";
import type { GateInput } from "@/lib/promotion/gate-inputs";
import type { ArtifactFacts, PromotionReview } from "@/lib/promotion/review";

const when = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 19).replace("T", " ") + " UTC" : "—");
const unknown = <span className="text-slate-600">not indexed yet</span>;

function ScanSummary({ facts, testId }: { facts: ArtifactFacts; testId: string }) {
  if (!facts.scan) return <span className="text-slate-600">no scan report indexed</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-testid={testId}>
      <SeverityCounts counts={facts.scan.counts} />
      <span className="text-xs text-slate-600">
        {facts.scan.fixable} fixable · {facts.scan.scanner}
        {facts.scan.scannedAt ? ` · scanned ${when(facts.scan.scannedAt)}` : ""}
      </span>
    </span>
  );
}

/** One row of the comparison: the promoted artifact beside what the target tag holds now. */
function Row({ label, source, target, differs }: { label: string; source: React.ReactNode; target: React.ReactNode; differs?: boolean }) {
  return (
    <tr data-differs={differs ? "yes" : "no"}>
      {/* a row header, without the column headers' small capitals */}
      <th scope="row" className="w-28 bg-transparent text-sm font-medium tracking-normal text-slate-600 normal-case">
        {label}
      </th>
      <td className={differs ? "bg-amber-50" : ""}>{source}</td>
      <td>{target}</td>
    </tr>
  );
}

/**
 * What the approver is asked to approve: links to the source artifact and its scan (readable to
 * them through the policy's promotion grant), its scan summary, the gate inputs, and the difference
 * with what the target tag holds now, from the inventory index.
 */
export function PromotionReviewPanel({ review, inputs }: { review: PromotionReview; inputs: GateInput[] }) {
  const { source, target, cveDelta } = review;
  const s = source.facts;
  const t = target.current;
  const platforms = (f: ArtifactFacts | null) => (f?.manifest ? f.manifest.platforms.join(", ") || "single platform" : unknown);
  return (
    <section className="card space-y-4 p-4 text-sm xl:col-span-2" data-testid="promotion-review" aria-labelledby="review-title">
      <h2 id="review-title" className="font-semibold">
        What you are asked to approve
      </h2>
      <div className="flex flex-wrap gap-3">
        {source.artifactHref && (
          <Link className="btn-secondary" href={source.artifactHref}>
            Source artifact in {source.environment}
          </Link>
        )}
        {source.scanHref && (
          <Link className="btn-secondary" href={source.scanHref}>
            Scan of the source artifact
          </Link>
        )}
        {target.href && (
          <Link className="btn-secondary" href={target.href}>
            {target.repository}:{target.tag} in {target.environment} now
          </Link>
        )}
      </div>
      <div>
        <span className="text-slate-600">Scan of the source: </span>
        <ScanSummary facts={s} testId="source-scan-summary" />
      </div>
      {inputs.length > 0 && (
        <div>
          <h3 className="mb-1 font-medium">Gate inputs ({target.environment}&apos;s policy at request time)</h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1" data-testid="gate-inputs">
            {inputs.map((i) => (
              <div key={i.label} className="contents">
                <dt className="text-slate-600">{i.label}</dt>
                <dd>{i.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <div className="overflow-x-auto">
        <table className="table" data-testid="target-diff">
          <caption className="mb-1 text-left font-medium">
            {t ? `Against what ${target.repository}:${target.tag} holds in ${target.environment} now` : `${target.repository}:${target.tag} does not exist in ${target.environment} yet (as indexed): a new tag`}
          </caption>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">Promoted ({source.environment})</th>
              <th scope="col">{target.environment} now</th>
            </tr>
          </thead>
          <tbody>
            <Row label="Digest" source={<code className="break-all text-xs">{shortDigest(s.digest)}</code>} target={t ? <code className="break-all text-xs">{shortDigest(t.digest)}</code> : "—"} differs={!!t && t.digest !== s.digest} />
            <Row label="Created" source={s.manifest ? when(s.manifest.created) : unknown} target={t ? (t.manifest ? when(t.manifest.created) : unknown) : "—"} />
            <Row label="Size" source={s.manifest ? formatBytes(s.manifest.size) : unknown} target={t ? (t.manifest ? formatBytes(t.manifest.size) : unknown) : "—"} />
            <Row label="Platforms" source={platforms(s)} target={t ? platforms(t) : "—"} differs={!!t?.manifest && !!s.manifest && platforms(t) !== platforms(s)} />
            <Row label="Findings" source={<ScanSummary facts={s} testId="diff-source-scan" />} target={t ? <ScanSummary facts={t} testId="diff-target-scan" /> : "—"} />
          </tbody>
        </table>
      </div>
      <div data-testid="cve-delta">
        <span className="text-slate-600">CVE delta: </span>
        {cveDelta ? (
          <>
            {cveDelta.added.length} new, {cveDelta.removed.length} fixed, {cveDelta.unchanged} unchanged
            {cveDelta.added.length > 0 && <div className="mt-1 break-words text-xs text-red-800">New: {cveDelta.added.join(", ")}</div>}
            {cveDelta.removed.length > 0 && <div className="mt-1 break-words text-xs text-emerald-800">Fixed: {cveDelta.removed.join(", ")}</div>}
          </>
        ) : (
          <span className="text-slate-600">{t ? "needs an indexed scan of both artifacts" : "nothing to compare against"}</span>
        )}
      </div>
    </section>
  );
}
