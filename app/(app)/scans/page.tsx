import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ExpiringExceptionsBanner } from "@/components/exceptions/expiring-banner";
import { SeverityCounts } from "@/components/scans/severity-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { scanHref, shortDigest } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { cveUrl } from "@/lib/inventory/index/urls";
import { environmentScans, indexedAsOf, normalizeVulnerabilityId } from "@/lib/inventory/index/vulnerabilities";
import { acceptInEnvironmentScans } from "@/lib/exceptions/index-views";
import { activeExceptionRules } from "@/lib/exceptions/store";
import { getPrisma } from "@/lib/runtime";
import { worstSeverity } from "@/lib/scan/model";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

export const dynamic = "force-dynamic";
export const metadata = { title: "Scans" };

const query = z.object({
  env: z.string().max(63).optional().catch(undefined),
  cve: z.string().max(80).optional().catch(undefined),
});

export default async function ScansPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("scan.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const q = query.parse(await searchParams);
  const cve = q.cve?.trim();
  const id = cve ? normalizeVulnerabilityId(cve) : null;
  if (id) redirect(cveUrl(id));
  const prisma = await getPrisma();
  const visible = await visibleEnvironments(prisma, access.principal.grants);
  const environments = await prisma.environment.findMany({ where: visible === "all" ? {} : { name: { in: [...visible] } }, orderBy: { order: "asc" }, select: { name: true, namespace: true, registry: { select: { name: true } } } });
  const selected = environments.find((e) => e.name === q.env) ?? (q.env ? undefined : environments[0]);

  return (
    <>
      <PageHeader title="Scans" description="Vulnerability findings from Harbor, Amazon ECR and Trivy reports attached to images, normalized and compared across environments." />
      <ExpiringExceptionsBanner />
      <form className="mb-6 flex gap-2" role="search" aria-label="CVE search">
        <input name="cve" defaultValue={cve} placeholder="Where is CVE-2024-…?" className="input max-w-sm" aria-label="CVE id" />
        <button className="btn-primary">Find</button>
      </form>
      {cve && (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          “{cve}” is not a vulnerability id (CVE-YYYY-NNNN, GHSA-…).
        </p>
      )}
      {environments.length === 0 ? (
        <EmptyState title="No environments">Configure environments in dockmaster.yaml to see their scan results.</EmptyState>
      ) : !selected ? (
        <EmptyState title={`No environment “${q.env}”`} />
      ) : (
        <EnvironmentScans environments={environments.map((e) => e.name)} selected={selected} visible={visible} />
      )}
    </>
  );
}

/** An environment's images worst first, every one the index holds, with the summaries the index keeps. */
async function EnvironmentScans({ environments, selected, visible }: { environments: string[]; selected: { name: string; namespace: string; registry: { name: string } }; visible: Awaited<ReturnType<typeof visibleEnvironments>> }) {
  const prisma = await getPrisma();
  const now = new Date();
  const [indexed, asOf, rules] = await Promise.all([environmentScans(prisma, visible, selected.name), indexedAsOf(prisma, [selected.name]), activeExceptionRules(prisma, now)]);
  // counts are what still counts: findings an active exception accepts here are taken out, and said so
  const rows = await acceptInEnvironmentScans(prisma, indexed, { environment: selected.name, registry: selected.registry.name }, rules, now);
  const at = asOf.get(selected.name);
  const scanned = rows.filter((r) => r.scan).length;
  return (
    <section aria-label={`Scans of environment ${selected.name}`}>
      <nav className="mb-3 flex gap-2" aria-label="Environments">
        {environments.map((e) => (
          <Link key={e} href={`?env=${encodeURIComponent(e)}`} className={e === selected.name ? "btn-primary" : "btn-secondary"} aria-current={e === selected.name ? "page" : undefined}>
            {e}
          </Link>
        ))}
      </nav>
      <p className="mb-2 text-sm text-slate-500" data-testid="env-scans-as-of">
        {plural(rows.length, "image")} in {selected.name} ({selected.registry.name}
        {selected.namespace ? `, ${selected.namespace}` : ""}), {scanned} with a scan report, worst first — as of {at ? <Time at={at} /> : "never: the environment has not been synced yet"}
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
            {rows.map((r) => (
              <tr key={`${r.repository}@${r.digest}`} data-testid="env-scan-row" data-worst={(r.scan && worstSeverity(r.scan.counts)) ?? "none"}>
                <td>
                  <Link className="text-sky-700 hover:underline" href={scanHref(selected.registry.name, r.repository, r.digest)}>
                    {r.repository}
                  </Link>
                  <div className="font-mono text-xs text-slate-400">{shortDigest(r.digest)}</div>
                </td>
                <td className="text-xs">{r.tags.join(", ")}</td>
                <td>
                  {r.scan ? <SeverityCounts counts={r.scan.counts} /> : <span className="text-xs text-slate-400">no report in the index</span>}
                  {r.accepted.length > 0 && (
                    <div className="mt-1 text-xs text-emerald-700" data-testid="env-scan-accepted" title={r.accepted.map((a) => a.note).join("\n")}>
                      {r.accepted.length} accepted by {r.accepted.length === 1 ? "an exception" : "exceptions"}
                    </div>
                  )}
                </td>
                <td className="text-xs">{r.scan ? r.scan.fixable : "—"}</td>
                <td className="text-xs">{r.scan?.scanner ?? "—"}</td>
                <td className="text-xs">
                  <Time at={r.scan?.scannedAt} relative />
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className="py-6 text-center text-slate-500">
                  No images of this environment in the index.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
