import { Badge } from "@/components/ui/badge";
import { projectVisible } from "@/lib/browse/access";
import { load } from "@/lib/browse/result";
import { credentialSource, namespaceSource, rateLimitSource, repositoryInfoSource, type RegistryProvider } from "@/lib/registry";
import { Time } from "@/components/ui/time";
import type { Loaded } from "@/lib/browse/result";
import { NOT_PERMITTED, panelState, policyLines, quotaText, volumesText } from "./panel-state";

/** A panel's read failed: "not permitted for this account" when the registry refused it, else the error. */
const Unavailable = ({ what, loaded }: { what: string; loaded: Loaded<unknown> & { ok: false } }) => {
  const state = panelState(loaded);
  return state.state === "not_permitted" ? (
    <p className="text-xs text-slate-500" data-testid="not-permitted">
      {what}: {NOT_PERMITTED}
    </p>
  ) : (
    <p className="text-xs text-amber-700">
      {what} unavailable: {loaded.error.message}
    </p>
  );
};

/**
 * What a registry offers beyond the distribution API, shown on its page when it has it: Docker Hub's
 * pull rate limit, Harbor's projects with quota and storage volumes, repository settings and pull counts.
 */
export async function RegistryExtras({ provider, repositories, namespaces }: { provider: RegistryProvider; repositories: string[]; namespaces: string[] | null }) {
  const limits = rateLimitSource(provider);
  const ns = namespaceSource(provider);
  const info = repositoryInfoSource(provider);
  const creds = credentialSource(provider);
  if (!limits && !ns && !info && !creds) return null;
  const [rate, projects, volumes, repos, login] = await Promise.all([
    // the account's allowance, from the probe image Docker documents: any one listed image may be exempt or lack the tag
    limits ? load(provider.name, () => limits.rateLimit()) : null,
    ns ? load(provider.name, () => ns.listNamespaces()) : null,
    ns?.storageVolumes ? load(provider.name, () => ns.storageVolumes!()) : null,
    info ? load(provider.name, () => info.repositoryInfo()) : null,
    creds ? load(provider.name, () => creds.verifyCredentials()) : null,
  ]);
  // details only for this page's repositories: searchRepositories already kept them to the caller's namespaces
  const shown = new Set(repositories);

  return (
    <div className="mb-4 grid gap-4 md:grid-cols-2">
      {login?.ok && !login.data.ok && (
        // Harbor serves public content to rejected credentials: say so, or the short catalog looks real
        <div role="alert" data-testid="credentials-rejected" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 md:col-span-2">
          <strong>{login.data.message}</strong>: only public content is listed. Check the username and password or robot secret configured for this registry (a rotated robot secret, a disabled or expired account).
        </div>
      )}
      {rate && (
        <section className="card p-4 text-sm" data-testid="rate-limit" aria-label="Pull rate limit">
          <h2 className="mb-1 font-semibold">Pull rate limit</h2>
          {!rate.ok ? (
            <Unavailable what="Rate limit" loaded={rate} />
          ) : !rate.data ? (
            <p className="text-slate-500" data-testid="ratelimit-unknown">
              Limit unknown: no rate-limit headers came back (Docker Hub sends none to accounts without a pull limit, and a mirror may not pass them on).
            </p>
          ) : (
            <p>
              <strong data-testid="ratelimit-remaining">{rate.data.remaining ?? "?"}</strong> of {rate.data.limit ?? "?"} pulls remaining
              {rate.data.windowSeconds ? ` per ${Math.round(rate.data.windowSeconds / 3600)} h` : ""}
              {rate.data.source ? ` · counted against ${rate.data.source}` : ""}
              <span className="block text-xs text-slate-500">from the ratelimit-limit / ratelimit-remaining headers, checked <Time at={rate.data.checkedAt} style="time" />
              </span>
            </p>
          )}
        </section>
      )}
      {projects && (
        <section className="card p-4 text-sm" data-testid="projects" aria-label="Projects and quotas">
          <h2 className="mb-2 font-semibold">Projects and storage quota</h2>
          {!projects.ok ? (
            <Unavailable what="Projects" loaded={projects} />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Project</th>
                  <th>Repositories</th>
                  <th>Quota used</th>
                  <th>Policies</th>
                </tr>
              </thead>
              <tbody>
                {projects.data.filter((p) => projectVisible(p.name, namespaces)).map((p) => {
                  // absent limit = unknown (not reported to this account), -1 = unlimited
                  const limited = p.quotaLimitBytes !== undefined && p.quotaLimitBytes >= 0;
                  const pct = limited && p.quotaLimitBytes ? Math.round(((p.quotaUsedBytes ?? 0) / p.quotaLimitBytes) * 100) : undefined;
                  const policies = policyLines(p);
                  return (
                    <tr key={p.name} data-testid={`project-${p.name}`}>
                      <td>
                        {p.name} {p.public !== undefined && <Badge>{p.public ? "public" : "private"}</Badge>}
                      </td>
                      <td>{p.repositoryCount ?? "—"}</td>
                      <td data-testid="quota">
                        {quotaText(p)}
                        {pct !== undefined && <Badge tone={pct >= 90 ? "red" : pct >= 75 ? "amber" : "green"}>{pct}%</Badge>}
                      </td>
                      <td className="text-xs" data-testid="project-policies">
                        {policies.map((line) => (
                          <div key={line}>{line}</div>
                        ))}
                        {policies.length === 0 && "—"}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {volumes &&
            (volumes.ok ? (
              <p className="mt-2 text-xs text-slate-500" data-testid="storage-volumes">
                Storage volumes: {volumesText(volumes.data)}
                {provider.kind === "harbor" && <span className="block">Harbor measures its core container&apos;s /data; with S3 or other external storage that is not the registry&apos;s storage.</span>}
              </p>
            ) : (
              <div data-testid="storage-volumes">
                <Unavailable what="Storage volumes" loaded={volumes} />
              </div>
            ))}
        </section>
      )}
      {repos && (
        <section className="card p-4 text-sm md:col-span-2" data-testid="repository-info" aria-label="Repository details">
          <h2 className="mb-2 font-semibold">Repository details</h2>
          {!repos.ok ? (
            <Unavailable what="Repository details" loaded={repos} />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Repository</th>
                  <th>Pulls</th>
                  <th>Updated</th>
                  <th>Settings</th>
                </tr>
              </thead>
              <tbody>
                {repos.data.filter((r) => shown.has(r.name)).map((r) => (
                  <tr key={r.name} data-testid={`repo-info-${r.name}`}>
                    <td>
                      {r.name}
                      {r.description && <div className="text-xs text-slate-500">{r.description}</div>}
                    </td>
                    <td>{r.pullCount?.toLocaleString("en-US") ?? "—"}</td>
                    <td className="text-xs">
                      {r.lastUpdated ? (
                        <>
                          <Time at={r.lastUpdated} style="date" /> (<Time at={r.lastUpdated} relative />)
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="space-x-1 text-xs">
                      {r.private !== undefined && <Badge>{r.private ? "private" : "public"}</Badge>}
                      {r.tagMutability && <Badge tone={r.tagMutability === "IMMUTABLE" ? "sky" : "slate"}>tags {r.tagMutability.toLowerCase()}</Badge>}
                      {r.scanOnPush !== undefined && <Badge tone={r.scanOnPush ? "green" : "slate"}>{r.scanOnPush ? "scan on push" : "no scan on push"}</Badge>}
                      {r.encryption && <Badge>{r.encryption.split(" ")[0]} encryption</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
