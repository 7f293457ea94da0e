import Link from "next/link";
import { notFound } from "next/navigation";
import { CopyDigest } from "@/components/registry/copy-digest";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { FindingsTable } from "@/components/scans/findings-table";
import { SeverityCounts } from "@/components/scans/severity-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { MissingReference } from "@/components/registry/missing-reference";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizeScanPage } from "@/lib/browse/page-access";
import { ExportLinks } from "@/components/ui/export-links";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { browseCrumbs } from "@/lib/browse/breadcrumbs";
import { AttachTrivyHelp } from "@/components/scans/attach-trivy-help";
import { load } from "@/lib/browse/result";
import { artifactHref, scanHref, formatBytes, shortDigest } from "@/lib/format";
import { getPrisma } from "@/lib/runtime";
import { artifactScanView } from "@/lib/scan/views";
import { exceptionFilter } from "@/lib/exceptions/scan-views";
import { activeExceptionRules } from "@/lib/exceptions/store";
import { ExpiringExceptionsBanner } from "@/components/exceptions/expiring-banner";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params, searchParams }: { params: Promise<{ repo: string[] }>; searchParams: Promise<{ ref?: string }> }) {
  const ref = (await searchParams).ref ?? "latest";
  return { title: `Scan of ${(await params).repo.map(decodeURIComponent).join("/")}${ref.includes(":") ? "@" + shortDigest(ref) : `:${ref}`}` };
}

export default async function ArtifactScanPage({ params, searchParams }: { params: Promise<{ registry: string; repo: string[] }>; searchParams: Promise<{ ref?: string }> }) {
  const p = await params;
  const registry = decodeURIComponent(p.registry);
  const repo = p.repo.map(decodeURIComponent).join("/");
  const ref = (await searchParams).ref ?? "latest";
  const access = await authorizeScanPage(registry, repo, ref);
  if (!access.ok) return <Forbidden message={access.message} />;
  const prisma = await getPrisma();
  const now = new Date();
  const filter = exceptionFilter(await activeExceptionRules(prisma, now), now);
  const result = await load(registry, () => artifactScanView(prisma, registry, repo, ref, filter));
  if (result.ok && !result.data) notFound();
  // the registry's 404 for the manifest: say which tag (or digest) of which repository is missing
  if (!result.ok && result.error.kind === "not_found") return <MissingReference registry={registry} repository={repo} reference={ref} />;
  const title = `${repo}${ref.includes(":") ? "@" + shortDigest(ref) : `:${ref}`}`;
  const crumbs = <Breadcrumbs crumbs={browseCrumbs({ registry, repository: repo, ref, leaf: "Scan" })} />;
  if (!result.ok) {
    return (
      <>
        {crumbs}
        <PageHeader title={`Scan of ${title}`} />
        <RegistryErrorPanel registry={registry} error={result.error} />
      </>
    );
  }
  const v = result.data!;
  const r = v.report;
  const m = v.metadata;
  const scanPage = scanHref(registry, repo, v.digest);
  const acceptHref = `/exceptions/new?${new URLSearchParams({ registry, repository: repo, digest: v.digest, returnTo: scanPage, ...(v.environments[0] ? { environment: v.environments[0] } : {}) })}`;
  return (
    <>
      {crumbs}
      <PageHeader
        title={`Scan of ${title}`}
        description={`${registry} (${v.registryKind})`}
        actions={
          <Link className="btn-secondary" href={artifactHref(registry, repo, v.digest)}>
            Artifact details
          </Link>
        }
      />
      <ExpiringExceptionsBanner />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm" data-testid="scan-summary">
        <CopyDigest digest={v.digest} short={shortDigest(v.digest)} />
        {r && <SeverityCounts counts={r.counts} />}
        {r && <ExportLinks path="/api/v1/exports/scan-findings" params={{ registry, repository: repo, ref: v.digest }} what="findings" />}
        {r && (
          <span className="text-slate-500">
            {plural(r.findings.length, "finding")}, {r.fixable} fixable{v.accepted.length ? `, ${v.accepted.length} accepted by ${v.accepted.length === 1 ? "an exception" : "exceptions"}` : ""} · {r.scanner}
            {r.scannedAt && (
              <>
                {" · scanned "}
                <Time at={r.scannedAt} relative /> (<Time at={r.scannedAt} />)
              </>
            )}
            {r.status !== "complete" ? ` · scan ${r.status.replace("_", " ")}` : ""}
          </span>
        )}
      </div>
      {m && (
        <section className="card mb-4 p-4 text-sm" data-testid="artifact-metadata">
          <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Tags</dt>
            <dd>
              {m.tags.map((t) => (
                <span key={t} className="mr-2">
                  {t}
                  {m.immutableTags.includes(t) && (
                    <Badge tone="sky" title="Harbor's tag immutability rules protect this tag">
                      immutable
                    </Badge>
                  )}
                </span>
              ))}
            </dd>
            <dt className="text-slate-500">Pushed</dt>
            <dd>
              <Time at={m.pushedAt} />
            </dd>
            <dt className="text-slate-500">Last pulled</dt>
            <dd>
              <Time at={m.lastPulledAt} fallback="never" />
            </dd>
            <dt className="text-slate-500">Labels</dt>
            <dd className="space-x-1">{m.labels.length ? m.labels.map((l) => <Badge key={l.name}>{l.name}</Badge>) : "—"}</dd>
            <dt className="text-slate-500">Accessories</dt>
            <dd>{m.accessories.length ? m.accessories.map((a) => `${a.type} (${shortDigest(a.digest)}, ${formatBytes(a.size)})`).join(", ") : "—"}</dd>
          </dl>
        </section>
      )}
      {v.replication && v.replication.length > 0 && (
        <section className="card mb-4 p-4 text-sm" data-testid="image-replication">
          <h2 className="mb-2 font-semibold">Replication of this image</h2>
          <ul>
            {v.replication.map((s) => (
              <li key={s.destination}>
                {s.destination}: <Badge tone={s.status === "COMPLETE" ? "green" : s.status === "FAILED" ? "red" : "amber"}>{s.status}</Badge> {s.failureCode ?? ""}
              </li>
            ))}
          </ul>
        </section>
      )}
      {v.accepted.length > 0 && (
        <section className="card mb-4 p-4 text-sm" data-testid="accepted-findings" aria-label="Accepted findings">
          <h2 className="mb-2 font-semibold">Accepted by CVE exceptions (not counted)</h2>
          <ul className="space-y-1">
            {v.accepted.map((a) => (
              <li key={`${a.finding.id}${a.finding.package}${a.finding.installedVersion ?? ""}`} data-testid="accepted-finding" data-cve={a.finding.id}>
                <span className="font-mono text-xs">{a.finding.id}</span> in <span className="font-mono text-xs">{a.finding.package}</span> ({a.finding.severity}): {a.note}
              </li>
            ))}
          </ul>
          <Link className="mt-2 inline-block text-xs text-sky-700 hover:underline" href="/exceptions">
            All exceptions
          </Link>
        </section>
      )}
      {r ? (
        <FindingsTable findings={r.findings} acceptHref={access.viaPromotion ? undefined : acceptHref} />
      ) : (
        <EmptyState title="Not scanned">
          <AttachTrivyHelp registry={registry} reference={`${v.host}/${repo}@${v.digest}`} />
        </EmptyState>
      )}
    </>
  );
}
