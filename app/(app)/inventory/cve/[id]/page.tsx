import Link from "next/link";
import { SeverityBadge } from "@/components/scans/severity-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { shortDigest } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestUrl, tagUrl } from "@/lib/inventory/index/urls";
import { indexedAsOf, normalizeVulnerabilityId, whereIsCve } from "@/lib/inventory/index/vulnerabilities";
import { acceptInCveOccurrences } from "@/lib/exceptions/index-views";
import { activeExceptionRules } from "@/lib/exceptions/store";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/plural";

export const metadata = { title: "Where is this CVE" };
export const dynamic = "force-dynamic";

/**
 * /inventory/cve/CVE-2019-14697 — every environment / repository / tag whose current digest has the
 * vulnerability in its indexed scan report, in the environments the caller may see (filtered per row),
 * as of each environment's last sync.
 */
export default async function CvePage({ params }: { params: Promise<{ id: string }> }) {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const id = normalizeVulnerabilityId(decodeURIComponent((await params).id));
  if (!id) return <EmptyState title="Not a vulnerability id">Expected an id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx.</EmptyState>;
  const prisma = await getPrisma();
  const visible = await visibleEnvironments(prisma, access.principal.grants);
  const now = new Date();
  const [found, rules, registries] = await Promise.all([whereIsCve(prisma, visible, id), activeExceptionRules(prisma, now), prisma.environment.findMany({ select: { name: true, registry: { select: { name: true } } } })]);
  // the ledger applies per place: an exception for one digest or repository accepts the CVE there only
  const hits = acceptInCveOccurrences(found, new Map(registries.map((e) => [e.name, e.registry.name])), rules, now);
  const environments = visible === "all" ? (await prisma.environment.findMany({ orderBy: { order: "asc" }, select: { name: true } })).map((e) => e.name) : visible;
  const asOf = await indexedAsOf(prisma, environments);
  const images = new Set(hits.map((h) => `${h.environment} ${h.digest}`)).size;

  return (
    <>
      <PageHeader title={`Where is ${id}`} description="Every tag whose image has this vulnerability in its scan report, from the inventory index." />
      <p className="mb-2 font-semibold" data-testid="cve-summary">
        {hits.length === 0 ? `${id}: not found in the index` : `${id}: ${plural(images, "image")}, ${plural(new Set(hits.map((h) => `${h.environment} ${h.repository}:${h.tag}`)).size, "tag")}`}
      </p>
      <p className="mb-3 text-xs text-slate-500" data-testid="cve-as-of">
        As of{" "}
        {environments.length
          ? environments.map((e, i) => (
              <span key={e}>
                {i > 0 && " · "}
                {e}: <Time at={asOf.get(e)} fallback="never synced" />
              </span>
            ))
          : "no environment you may see"}
        . Images without a scan report in the index are not counted.
      </p>
      {hits.length > 0 && (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="cve-occurrences">
            <thead>
              <tr>
                <th>Environment</th>
                <th>Repository:tag</th>
                <th>Digest</th>
                <th>Package</th>
                <th>Installed</th>
                <th>Fixed in</th>
                <th>Severity</th>
                <th>Scanned</th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={`${h.environment}\u0000${h.repository}\u0000${h.tag}\u0000${h.package}\u0000${h.installedVersion}`} data-testid="cve-occurrence" data-environment={h.environment}>
                  <td className="font-medium">{h.environment}</td>
                  <td>
                    <Link className="text-sky-700 hover:underline" href={tagUrl(h.environment, h.repository, h.tag)}>
                      {h.repository}:{h.tag}
                    </Link>
                  </td>
                  <td className="font-mono text-xs">
                    <Link className="hover:underline" href={digestUrl(h.digest)}>
                      {shortDigest(h.digest)}
                    </Link>
                  </td>
                  <td className="font-mono text-xs">{h.package}</td>
                  <td className="font-mono text-xs">{h.installedVersion ?? "—"}</td>
                  <td className="font-mono text-xs">{h.fixedVersion ?? "no fix"}</td>
                  <td>
                    <SeverityBadge severity={h.severity} />
                    {h.accepted && (
                      <div className="mt-1 text-xs text-emerald-700" data-testid="cve-hit-accepted">
                        {h.accepted}
                      </div>
                    )}
                  </td>
                  <td className="text-xs">
                    {h.scanner}
                    {h.scannedAt && (
                      <>
                        , <Time at={h.scannedAt} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
