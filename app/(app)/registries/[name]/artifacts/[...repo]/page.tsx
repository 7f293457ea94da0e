import { CopyDigest } from "@/components/registry/copy-digest";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { Forbidden } from "@/components/shell/forbidden";
import { MissingReference } from "@/components/registry/missing-reference";
import { PageHeader } from "@/components/shell/page-header";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { PullCommand } from "@/components/registry/pull-command";
import { browseCrumbs, type CrumbPlace } from "@/lib/browse/breadcrumbs";
import { Badge } from "@/components/ui/badge";
import { describeArtifactPage } from "@/lib/browse/artifact";
import { openRegistryForPage } from "@/lib/browse/page-access";
import { environmentOf } from "@/lib/inventory/namespace";
import Link from "next/link";
import { load } from "@/lib/browse/result";
import { artifactHref, formatBytes, scanHref, shortDigest, shortMediaType } from "@/lib/format";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params, searchParams }: { params: Promise<{ repo: string[] }>; searchParams: Promise<{ ref?: string }> }) {
  const ref = (await searchParams).ref ?? "latest";
  return { title: `${(await params).repo.map(decodeURIComponent).join("/")}${ref.includes(":") ? "@" + shortDigest(ref) : `:${ref}`}` };
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="card p-4" data-testid={testId}>
      <h2 className="mb-3 font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default async function ArtifactPage({ params, searchParams }: { params: Promise<{ name: string; repo: string[] }>; searchParams: Promise<{ ref?: string; from?: string; platform?: string }> }) {
  const p = await params;
  const name = decodeURIComponent(p.name);
  const repo = p.repo.map(decodeURIComponent).join("/");
  const sp = await searchParams;
  const ref = sp.ref ?? "latest";
  // a platform manifest opened from its index's platform table keeps the index's tag in the trail
  const place: CrumbPlace = sp.from && sp.platform ? { registry: name, repository: repo, ref: sp.from, platform: { label: sp.platform, digest: ref } } : { registry: name, repository: repo, ref };
  const crumbs = <Breadcrumbs crumbs={browseCrumbs(place)} />;
  const found = await openRegistryForPage(name, repo, ref);
  if (!found.ok) return <Forbidden message={found.message} />;
  const result = await load(name, () => describeArtifactPage(found.provider, repo, ref));
  // the registry's 404 for the manifest: say which tag (or digest) of which repository is missing
  if (!result.ok && result.error.kind === "not_found") return <MissingReference registry={name} repository={repo} reference={ref} />;
  if (!result.ok) {
    return (
      <>
        {crumbs}
        <PageHeader title={`${repo}:${ref}`} />
        <RegistryErrorPanel registry={name} error={result.error} />
      </>
    );
  }
  const a = result.data;
  const pullHost = found.provider.host;
  const sourceEnv = environmentOf(repo, found.environments);
  // read through a promotion awaiting the caller's decision: read-only, so no Promote button
  const promoteHref = sourceEnv && !found.viaPromotion
    ? `/promotions/new?${new URLSearchParams({ sourceEnv: sourceEnv.name, repository: repo, reference: a.details.digest, ...(ref.startsWith("sha256:") ? {} : { tag: ref }) })}`
    : null;
  // opened by digest: pull by a tag that points here, if any does (a platform manifest has none)
  const pullByTag = ref.includes(":") ? a.tags[0] : ref;
  return (
    <>
      {crumbs}
      <PageHeader
        title={`${repo}${ref.startsWith("sha256:") ? "@" + shortDigest(ref) : ":" + ref}`}
        description={`${shortMediaType(a.details.mediaType)} · ${formatBytes(a.details.size)}${sourceEnv ? ` · in environment ${sourceEnv.name}` : ""}`}
        actions={
          promoteHref && (
            <Link href={promoteHref} className="btn-primary">
              Promote…
            </Link>
          )
        }
      />
      {found.viaPromotion && (
        <p role="note" className="mb-4 rounded bg-sky-50 p-3 text-sm text-sky-900" data-testid="via-promotion">
          You can read this artifact because a promotion of it awaits your decision. Read-only: nothing else of {sourceEnv?.name ?? name} is shown to you.{" "}
          <Link className="underline" href={scanHref(name, repo, a.details.digest)}>
            Its vulnerability scan
          </Link>
        </p>
      )}
      <div className="grid gap-4 xl:grid-cols-2">
        <Section title="Identity" testId="artifact-identity">
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-slate-500">Digest</dt>
              <dd data-testid="artifact-digest">
                <CopyDigest digest={a.details.digest} short={a.details.digest} />
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Pull by digest</dt>
              <dd>
                <PullCommand command={`docker pull ${pullHost}/${repo}@${a.details.digest}`} testId="pull-command" />
              </dd>
            </div>
            {pullByTag && (
              <div>
                <dt className="text-slate-500">Pull by tag</dt>
                <dd>
                  <PullCommand command={`docker pull ${pullHost}/${repo}:${pullByTag}`} testId="pull-by-tag" />
                </dd>
              </div>
            )}
            {a.tags.length > 0 && (
              <div>
                <dt className="text-slate-500">Tags pointing here</dt>
                <dd className="space-x-1">
                  {a.tags.map((t) => (
                    <Badge key={t} tone="sky">
                      {t}
                    </Badge>
                  ))}
                </dd>
              </div>
            )}
            {a.details.created && (
              <div>
                <dt className="text-slate-500">Created</dt>
                <dd className="font-mono text-xs">{a.details.created}</dd>
              </div>
            )}
          </dl>
        </Section>
        {a.details.platforms.length > 0 && (
          <Section title={`Platforms (${a.details.platforms.length})`} testId="platforms">
            <table className="table">
              <thead>
                <tr>
                  <th>Platform</th>
                  <th>Manifest</th>
                  <th>Size</th>
                </tr>
              </thead>
              <tbody>
                {a.details.platforms.map((pl) => {
                  const label = [pl.os, pl.architecture, pl.variant].filter(Boolean).join("/");
                  const href = `${artifactHref(name, repo, pl.digest)}&${new URLSearchParams({ from: ref, platform: label })}`;
                  return (
                  <tr key={pl.digest} data-testid="platform-row">
                    <td>
                      <Link href={href} className="font-medium text-sky-700 hover:underline" data-testid="platform-link">
                        {label}
                      </Link>
                    </td>
                    <td>
                      <CopyDigest digest={pl.digest} short={shortDigest(pl.digest)} />
                    </td>
                    <td className="text-xs">{formatBytes(pl.size)}</td>
                  </tr>
                  );
                })}
              </tbody>
            </table>
          </Section>
        )}
        {a.layers.length > 0 && (
          <Section title={`Layers (${a.layers.length})`}>
            <table className="table">
              <tbody>
                {a.layers.map((l, i) => (
                  <tr key={`${l.digest}-${i}`}>
                    <td className="text-xs text-slate-400">{i + 1}</td>
                    <td>
                      <CopyDigest digest={l.digest} short={shortDigest(l.digest)} />
                    </td>
                    <td className="text-xs">{l.mediaType}</td>
                    <td className="text-xs">{formatBytes(l.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        )}
        {a.details.config && (
          <Section title="Config" testId="config">
            <dl className="space-y-2 text-sm">
              <div>
                <dt className="text-slate-500">Entrypoint / Cmd</dt>
                <dd className="font-mono text-xs">{JSON.stringify(a.details.config.entrypoint)} {JSON.stringify(a.details.config.cmd)}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Environment</dt>
                <dd className="font-mono text-xs">
                  {a.details.config.env.map((e) => (
                    <div key={e}>{e}</div>
                  ))}
                </dd>
              </div>
              {Object.keys(a.details.config.labels).length > 0 && (
                <div>
                  <dt className="text-slate-500">Labels</dt>
                  <dd className="font-mono text-xs">
                    {Object.entries(a.details.config.labels).map(([k, v]) => (
                      <div key={k}>
                        {k}={v}
                      </div>
                    ))}
                  </dd>
                </div>
              )}
              <div>
                <dt className="text-slate-500">History</dt>
                <dd>
                  <ol className="list-decimal pl-5 font-mono text-xs">
                    {a.details.config.history.map((h, i) => (
                      <li key={i} className={h.emptyLayer ? "text-slate-400" : ""}>
                        {h.createdBy ?? h.comment ?? "—"}
                      </li>
                    ))}
                  </ol>
                </dd>
              </div>
            </dl>
          </Section>
        )}
        <Section title={`Referrers (${a.referrers.ok ? a.referrers.items.length : "?"})`} testId="referrers">
          {!a.referrers.ok ? (
            <p className="text-sm text-red-700">Could not list referrers: {a.referrers.message}</p>
          ) : a.referrers.items.length === 0 ? (
            <p className="text-sm text-slate-500">No signatures, SBOMs or attestations refer to this artifact.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {a.referrers.items.map((r) => (
                <li key={r.digest} data-testid="referrer">
                  <Badge tone="green">{r.artifactType ?? r.mediaType}</Badge> <CopyDigest digest={r.digest} short={shortDigest(r.digest)} />{" "}
                  <span className="text-xs text-slate-500">{formatBytes(r.size)}</span>
                </li>
              ))}
              <li className="text-xs text-slate-400">found via {a.referrers.via === "referrers-api" ? "the OCI referrers API" : "the referrers tag schema"}</li>
            </ul>
          )}
        </Section>
        <Section title="Manifest">
          <pre role="region" aria-label="Manifest JSON" tabIndex={0} className="max-h-[32rem] overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid="manifest-json">
            {JSON.stringify(a.details.manifest.json, null, 2)}
          </pre>
        </Section>
      </div>
    </>
  );
}
