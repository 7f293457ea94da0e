import Link from "next/link";
import { z } from "zod";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { SeverityBadge, SeverityCounts } from "@/components/scans/severity-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { formatAge, scanHref, shortDigest } from "@/lib/format";
import { getPrisma } from "@/lib/runtime";
import { isCveId } from "@/lib/scan/model";
import { environmentScanView, findCve } from "@/lib/scan/views";
import { ExpiringExceptionsBanner } from "@/components/exceptions/expiring-banner";
import { exceptionFilter } from "@/lib/exceptions/scan-views";
import { activeExceptionRules } from "@/lib/exceptions/store";

/** The ledger as it stands now: the views leave out what an active exception accepts, and say so. */
async function ledgerFilter() {
  const now = new Date();
  return exceptionFilter(await activeExceptionRules(await getPrisma(), now), now);
}

export const dynamic = "force-dynamic";
export const metadata = { title: "Scans" };

const query = z.object({
  env: z.string().max(63).optional().catch(undefined),
  cve: z.string().max(40).optional().catch(undefined),
});

export default async function ScansPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("scan.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const q = query.parse(await searchParams);
  const prisma = await getPrisma();
  const environments = await prisma.environment.findMany({ orderBy: { order: "asc" }, select: { name: true } });
  const cve = q.cve?.trim();

  return (
    <>
      <PageHeader title="Scans" description="Vulnerability findings from Harbor, Amazon ECR and Trivy reports attached to images, normalized and compared across environments." />
      <ExpiringExceptionsBanner />
      <form className="mb-6 flex gap-2" role="search" aria-label="CVE search">
        <input name="cve" defaultValue={cve} placeholder="Where is CVE-2024-…?" className="input max-w-sm" aria-label="CVE id" />
        <button className="btn-primary">Find</button>
      </form>
      {cve ? <CveResults cve={cve} /> : <EnvironmentScans environments={environments.map((e) => e.name)} selected={q.env ?? environments[0]?.name} />}
    </>
  );
}

async function CveResults({ cve }: { cve: string }) {
  if (!isCveId(cve)) return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">“{cve}” is not a CVE id (CVE-YYYY-NNNN).</p>;
  const result = await findCve(await getPrisma(), cve, await ledgerFilter());
  return (
    <section aria-label={`Where is ${result.cve}`}>
      <h2 className="mb-2 font-semibold" data-testid="cve-heading">
        {result.cve}: {result.hits.length === 0 ? "not found" : `${new Set(result.hits.map((h) => `${h.environment} ${h.digest}`)).size} image(s)`} in {result.searched.length} environment(s)
      </h2>
      <p className="mb-3 text-xs text-slate-500">
        {result.searched.map((s) => `${s.environment}: ${s.scanned} of ${s.images} images have a report${s.truncated ? " (partial)" : ""}${s.error ? ` — ${s.error}` : ""}`).join(" · ")}
      </p>
      {result.hits.length > 0 && (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="cve-hits">
            <thead>
              <tr>
                <th>Environment</th>
                <th>Repository</th>
                <th>Tags</th>
                <th>Package</th>
                <th>Installed</th>
                <th>Fixed in</th>
                <th>Severity</th>
              </tr>
            </thead>
            <tbody>
              {result.hits.map((h) => (
                <tr key={`${h.environment}${h.digest}${h.finding.package}`} data-testid="cve-hit">
                  <td className="font-medium">{h.environment}</td>
                  <td>
                    <Link className="text-sky-700 hover:underline" href={scanHref(h.registry, h.repository, h.digest)}>
                      {h.repository}
                    </Link>
                    <div className="font-mono text-xs text-slate-400">{shortDigest(h.digest)}</div>
                  </td>
                  <td className="text-xs">{h.tags.join(", ")}</td>
                  <td className="font-mono text-xs">{h.finding.package}</td>
                  <td className="font-mono text-xs">{h.finding.installedVersion ?? "—"}</td>
                  <td className="font-mono text-xs">{h.finding.fixedVersion ?? "no fix"}</td>
                  <td>
                    <SeverityBadge severity={h.finding.severity} />
                    {h.accepted && (
                      <div className="mt-1 text-xs text-emerald-700" data-testid="cve-hit-accepted">
                        {h.accepted}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

async function EnvironmentScans({ environments, selected }: { environments: string[]; selected?: string }) {
  if (!selected) return <EmptyState title="No environments">Configure environments in dockmaster.yaml to see their scan results.</EmptyState>;
  const view = await environmentScanView(await getPrisma(), selected, await ledgerFilter());
  return (
    <section aria-label={`Scans of environment ${selected}`}>
      <nav className="mb-3 flex gap-2" aria-label="Environments">
        {environments.map((e) => (
          <Link key={e} href={`?env=${encodeURIComponent(e)}`} className={e === selected ? "btn-primary" : "btn-secondary"} aria-current={e === selected ? "page" : undefined}>
            {e}
          </Link>
        ))}
      </nav>
      {!view ? (
        <EmptyState title={`No environment “${selected}”`} />
      ) : view.error ? (
        <RegistryErrorPanel registry={view.environment.registry} error={view.error} />
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-500">
            {view.rows.length} image(s) in {view.environment.name} ({view.environment.registry}
            {view.environment.namespace ? `, ${view.environment.namespace}` : ""}), worst first{view.truncated ? " — partial: the environment has more repositories or tags than one view reads, or its registry kept returning more pages" : ""}
          </p>
          <div className="card overflow-x-auto">
            <table className="table" data-testid="env-scans">
              <thead>
                <tr>
                  <th>Repository</th>
                  <th>Tags</th>
                  <th>Findings</th>
                  <th>Fixable</th>
                  <th>Scanner</th>
                  <th>Scanned</th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr key={`${r.repository}@${r.digest}`} data-testid="env-scan-row" data-worst={r.worst ?? "none"}>
                    <td>
                      <Link className="text-sky-700 hover:underline" href={scanHref(view.environment.registry, r.repository, r.digest)}>
                        {r.repository}
                      </Link>
                      <div className="font-mono text-xs text-slate-400">{shortDigest(r.digest)}</div>
                    </td>
                    <td className="text-xs">{r.tags.join(", ")}</td>
                    <td>
                      {r.counts ? <SeverityCounts counts={r.counts} /> : <span className="text-xs text-slate-400">{r.error ?? "no report"}</span>}
                      {r.accepted > 0 && (
                        <div className="mt-1 text-xs text-emerald-700" data-testid="env-scan-accepted">
                          {r.accepted} accepted by exceptions
                        </div>
                      )}
                    </td>
                    <td className="text-xs">{r.counts ? r.fixable : "—"}</td>
                    <td className="text-xs">{r.scanner ?? "—"}</td>
                    <td className="text-xs" title={r.scannedAt}>
                      {r.scannedAt ? `${formatAge(r.scannedAt)} ago` : "—"}
                    </td>
                  </tr>
                ))}
                {view.rows.length === 0 && (
                  <tr>
                    <td colSpan={6} className="py-6 text-center text-slate-500">
                      No images in this environment.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
