import Link from "next/link";
import { z } from "zod";
import { DigestLocationsTable } from "@/components/inventory/digest-locations";
import { CopyDigest } from "@/components/registry/copy-digest";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { indexCrumbs } from "@/lib/browse/breadcrumbs";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { shortDigest } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestLocations, tagHistory, tagTimes } from "@/lib/inventory/index/reads";
import { digestUrl, repositoryUrl } from "@/lib/inventory/index/urls";
import { scanSummaries, type ScanSummary } from "@/lib/inventory/index/vulnerabilities";
import { SEVERITIES } from "@/lib/scan/model";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";

export const metadata = { title: "Tag lifecycle" };
export const dynamic = "force-dynamic";

const query = z.object({ environment: z.string().min(1).max(64), repository: z.string().min(1).max(512), tag: z.string().min(1).max(128) });

const tone = { created: "green", moved: "sky", deleted: "red", reappeared: "amber" } as const;

/** /inventory/tag?environment=dev&repository=team/api&tag=latest — every digest the tag pointed to, newest first. */
export default async function TagLifecyclePage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const parsed = query.safeParse(await searchParams);
  const access = parsed.success ? await authorizePage("environment.view", { environment: parsed.data.environment }) : await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  if (!parsed.success) return <EmptyState title="No tag given">Open a tag from the search in the top bar.</EmptyState>;
  const { environment, repository, tag } = parsed.data;
  const prisma = await getPrisma();
  const events = await tagHistory(prisma, [environment], { environment, repository, tag });
  const current = events[0]?.kind === "deleted" ? null : (events[0]?.digest ?? null);
  // only the caller's own environments: "also runs in" must not reveal a prod location to a dev-only viewer
  const elsewhere = current
    ? (await digestLocations(prisma, await visibleEnvironments(prisma, access.principal.grants), current)).filter((l) => !l.until && !(l.environment === environment && l.repository === repository && l.tag === tag))
    : [];
  const scans = await scanSummaries(prisma, events.flatMap((e) => (e.digest ? [e.digest] : [])));
  // the registry's own push and pull times, where it reports them (Harbor, ECR, Docker Hub)
  const times = current ? await tagTimes(prisma, [environment], { environment, repository, tag }) : null;

  return (
    <>
      <Breadcrumbs crumbs={indexCrumbs({ environment, repository, tag })} />
      <PageHeader
        title={`${repository}:${tag}`}
        description={`Tag lifecycle in ${environment}, from the inventory index.`}
        actions={
          <Link className="btn-secondary" href={repositoryUrl(environment, repository)}>
            All tags of {repository}
          </Link>
        }
      />
      {events.length === 0 ? (
        <EmptyState title="Nothing indexed for this tag">The index has no events for {`${repository}:${tag}`} in {environment} yet.</EmptyState>
      ) : (
        <div className="grid gap-4 xl:grid-cols-3">
          <section className="card overflow-x-auto xl:col-span-2" aria-label="Tag events, newest first" tabIndex={0}>
            <table className="table" data-testid="tag-events">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Event</th>
                  <th>Digest</th>
                  <th>Previously</th>
                  <th>Observed by</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e, i) => (
                  <tr key={`${e.at.toISOString()}-${i}`} data-kind={e.kind}>
                    <td className="whitespace-nowrap font-mono text-xs">
                      <Time at={e.at} seconds />
                    </td>
                    <td>
                      <Badge tone={tone[e.kind as keyof typeof tone] ?? "slate"}>{e.kind}</Badge>
                    </td>
                    <td>
                      {e.digest ? <CopyDigest digest={e.digest} short={shortDigest(e.digest)} /> : "—"}
                      {e.digest && scans.has(e.digest) && <ScannedLine scan={scans.get(e.digest)!} />}
                    </td>
                    <td>{e.previousDigest ? <CopyDigest digest={e.previousDigest} short={shortDigest(e.previousDigest)} /> : "—"}</td>
                    <td className="text-xs">
                      {e.source.replace("_", " ")}
                      {e.promotion !== null && (
                        <>
                          {" · "}
                          <Link className="text-sky-700 hover:underline" href={`/promotions/${e.promotion}`}>
                            promotion #{e.promotion}
                          </Link>
                        </>
                      )}
                      {e.actor && <span className="text-slate-500"> · {e.actor}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <div className="space-y-4">
            {(times?.pushedAt || times?.pulledAt) && (
              <section aria-label="The registry's times of this tag">
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm" data-testid="tag-registry-times">
                  {times.pushedAt && (
                    <>
                      <dt className="text-slate-500">Last push</dt>
                      <dd>
                        <Time at={times.pushedAt} />
                      </dd>
                    </>
                  )}
                  {times.pulledAt && (
                    <>
                      <dt className="text-slate-500">Last pull</dt>
                      <dd data-testid="tag-last-pull">
                        <Time at={times.pulledAt} />
                      </dd>
                    </>
                  )}
                </dl>
              </section>
            )}
            <section className="space-y-2" aria-label="This digest also runs in">
              <h2 className="font-semibold">This digest also runs in</h2>
              {current ? (
                <>
                  <p className="text-sm">
                    <Link className="text-sky-700 hover:underline" href={digestUrl(current)}>
                      {shortDigest(current)}
                    </Link>{" "}
                    <span className="text-slate-500">— everywhere it is or was</span>
                  </p>
                  <DigestLocationsTable locations={elsewhere} testId="also-runs-in" />
                </>
              ) : (
                <p className="text-sm text-slate-500">The tag is deleted.</p>
              )}
            </section>
          </div>
        </div>
      )}
    </>
  );
}

/** "scanned: 2 critical / 1 high (Trivy 0.50, 2026-11-30)" — from the index's summary of the digest. */
function ScannedLine({ scan }: { scan: ScanSummary }) {
  const present = SEVERITIES.filter((s) => scan.counts[s] > 0);
  return (
    <div className="text-xs text-slate-500" data-testid="scanned-line">
      scanned: {present.length ? present.map((s) => `${scan.counts[s]} ${s}`).join(" / ") : "no findings"} ({scan.scanner}
      {scan.scannedAt && (
        <>
          , <Time at={scan.scannedAt} />
        </>
      )}
      )
    </div>
  );
}
