/**
 * Docker Hub: content through the OCI client (registry-1.docker.io and its token service, signing in
 * with the username and a personal access token), repositories and tag history through the Hub API.
 * Hub has no catalog, so the repositories listed are those of the namespaces Dockmaster knows about:
 * the account's own plus those of the environments on this registry.
 */
import type { ImageDeleteSource, LifecycleReport, LifecycleSource, RateLimitInfo, RateLimitSource, RepositoryInfoSource, TagDigestSource } from "../capabilities";
import { InvalidInputError } from "../errors";
import { manifestUrl, scope, type OciClientOptions } from "../oci/client";
import { createOciProvider } from "../oci/provider";
import { discard, header } from "../transport/types";
import type { RegistryCapabilities, RegistryConnection, RegistryProvider } from "../provider";
import { MANIFEST_ACCEPT } from "../media-types";
import { joinNamespace, normalizeNamespace } from "../namespace";
import { createHubApi, namespaceRepositories, repositoryDetails, repositoryTags, toRepositoryInfo } from "./api";
import { hubDeleteTag, HUB_DELETION } from "./delete";
import { hubTagDigests } from "./tag-digests";

const DOCKERHUB_CAPABILITIES: RegistryCapabilities = {
  referrers: true,
  scanReports: false,
  replication: false,
  blobMount: true,
};

/** the public image Docker documents for reading an account's pull limit */
const RATE_LIMIT_PROBE = "ratelimitpreview/test";

export type DockerHubProvider = RegistryProvider &
  RepositoryInfoSource &
  LifecycleSource &
  RateLimitSource &
  TagDigestSource &
  ImageDeleteSource & {
    /** returns true when one of them was new (a cached catalog is then stale) */
    addNamespaces(namespaces: string[]): boolean;
  };

/** "76;w=21600" → { value: 76, window: 21600 } */
export function parseRateLimitHeader(value: string | undefined): { value: number; windowSeconds?: number } | undefined {
  const m = /^\s*(\d+)(?:\s*;\s*w=(\d+))?/.exec(value ?? "");
  if (!m) return undefined;
  return { value: Number(m[1]), ...(m[2] ? { windowSeconds: Number(m[2]) } : {}) };
}

/** Hub's immutable tag rules are regular expressions matched against the whole tag. */
export function matchesImmutableRule(rules: string[], tag: string): boolean {
  return rules.some((r) => {
    try {
      return new RegExp(`^(?:${r})$`).test(tag);
    } catch {
      return false;
    }
  });
}

export interface DockerHubOptions extends OciClientOptions {
  /** pages of 100 read per repository or tag listing before it is reported truncated */
  maxListPages?: number;
}

/** registry-1.docker.io sends its clients to this token service: allowed for the Hub provider only. */
const HUB_TOKEN_REALM = "https://auth.docker.io";

export function createDockerHubProvider(conn: RegistryConnection & { namespaces?: string[] }, options: DockerHubOptions = {}): DockerHubProvider {
  const oci = createOciProvider({ ...conn, tokenRealms: [...(conn.tokenRealms ?? []), HUB_TOKEN_REALM] }, options);
  const api = createHubApi(conn, options);
  const known = new Set<string>([...(conn.auth.kind === "basic" ? [conn.auth.username] : []), ...(conn.namespaces ?? [])].filter(Boolean));

  return {
    ...oci,
    kind: "dockerhub",
    capabilities: DOCKERHUB_CAPABILITIES,
    deletion: HUB_DELETION,
    // registry-1.docker.io refuses manifest deletes: Hub removes images through their tags only
    deleteImage: undefined,
    deleteTag: (repo, tag) => hubDeleteTag(api, repo, tag),
    addNamespaces(namespaces) {
      const before = known.size;
      for (const n of namespaces) if (n && !n.includes("/")) known.add(n);
      return known.size > before;
    },
    async listRepositories(opts = {}) {
      const all: string[] = [];
      let truncated = false;
      for (const ns of [...known].sort()) {
        const listed = await namespaceRepositories(api, ns, options.maxListPages);
        truncated ||= listed.truncated;
        all.push(...listed.items.map((r) => joinNamespace(r.namespace ?? ns, r.name ?? "")));
      }
      all.sort();
      let start = 0;
      if (opts.cursor) {
        if (!/^\d{1,7}$/.test(opts.cursor)) throw new InvalidInputError(`invalid page cursor "${opts.cursor}" for Docker Hub`, opts.cursor);
        start = Number(opts.cursor);
      } else if (opts.last) start = all.findIndex((r) => r > opts.last!) < 0 ? all.length : all.findIndex((r) => r > opts.last!);
      const size = Math.max(opts.pageSize ?? 100, 1);
      const items = all.slice(start, start + size);
      return { items, ...(start + size < all.length ? { next: String(start + size) } : {}), ...(truncated ? { truncated } : {}) };
    },
    async repositoryInfo(opts = {}) {
      const namespaces = opts.namespace ? [normalizeNamespace(opts.namespace)] : [...known];
      const out = [];
      for (const ns of namespaces) out.push(...(await namespaceRepositories(api, ns, options.maxListPages)).items.map(toRepositoryInfo));
      return out;
    },
    tagDigests: (repository, o = {}) => hubTagDigests(api, repository, o.since),
    async tagLifecycle(repository): Promise<LifecycleReport> {
      const [details, listed] = await Promise.all([repositoryDetails(api, repository), repositoryTags(api, repository, options.maxListPages)]);
      const rules = details.immutable_tags_settings?.enabled ? (details.immutable_tags_settings.rules ?? []) : [];
      return {
        tags: listed.items.map((t) => {
          const images = Array.isArray(t.images) ? t.images : t.images ? [t.images] : [];
          const digest = t.digest ?? (images.length === 1 ? (images[0]?.digest ?? undefined) : undefined);
          return {
            tag: t.name ?? "",
            ...(digest ? { digest } : {}),
            ...((t.tag_last_pushed ?? t.last_updated) ? { pushedAt: (t.tag_last_pushed ?? t.last_updated)! } : {}),
            ...(t.tag_last_pulled ? { lastPulledAt: t.tag_last_pulled } : {}),
            immutable: matchesImmutableRule(rules, t.name ?? ""),
          };
        }),
        immutability: true,
        pullTimes: true,
        ...(listed.truncated ? { truncated: true } : {}),
      };
    },
    /**
     * Hub reports the pull allowance on manifest responses; a HEAD does not count against it. Not every
     * response carries it: exempt (official, verified publisher, sponsored) images and a 404 for a
     * missing tag may come without, so the account's limit is read from the image Docker documents for
     * this, `ratelimitpreview/test:latest` (https://docs.docker.com/docker-hub/usage/pulls/). No headers
     * even there: null, the limit is unknown (accounts without a pull limit get none either).
     */
    async rateLimit(): Promise<RateLimitInfo | null> {
      const repository = RATE_LIMIT_PROBE;
      const res = await oci.client.send({ method: "HEAD", url: manifestUrl(oci.client, repository, "latest"), headers: { accept: MANIFEST_ACCEPT.join(", ") }, scopes: [scope.pull(repository)], expect: [200, 404], what: `manifest ${repository}:latest` });
      await discard(res);
      const limit = parseRateLimitHeader(header(res, "ratelimit-limit"));
      const remaining = parseRateLimitHeader(header(res, "ratelimit-remaining"));
      if (!limit && !remaining) return null;
      const source = header(res, "docker-ratelimit-source");
      return {
        ...(limit ? { limit: limit.value } : {}),
        ...(remaining ? { remaining: remaining.value } : {}),
        ...((limit?.windowSeconds ?? remaining?.windowSeconds) ? { windowSeconds: limit?.windowSeconds ?? remaining?.windowSeconds } : {}),
        ...(source ? { source } : {}),
        checkedAt: new Date().toISOString(),
      };
    },
    close: async () => {
      await Promise.all([oci.close(), api.close()]);
    },
  };
}
