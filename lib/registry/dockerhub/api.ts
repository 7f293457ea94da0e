/** The Docker Hub API (hub.docker.com/v2/…): repositories and tags of a namespace, with JWT sign-in. */
import type { RepositoryInfo } from "../capabilities";
import type { OciClientOptions } from "../oci/client";
import { joinNamespace } from "../namespace";
import type { RegistryConnection } from "../provider";
import { createJsonApi, expectObject, type JsonApi } from "../transport/json-api";
import { allPages } from "../transport/paging";
import { createHubSession } from "./session";

/** Docker Hub's registry and its API live on different hosts; anything else (a mirror, a simulator) serves both. */
export function hubApiUrl(registryUrl: string): string {
  const host = new URL(/^[a-z]+:\/\//i.test(registryUrl) ? registryUrl : `https://${registryUrl}`).host;
  return ["registry-1.docker.io", "docker.io", "index.docker.io", "registry.hub.docker.com"].includes(host) ? "https://hub.docker.com" : registryUrl;
}

export function createHubApi(conn: RegistryConnection, options: OciClientOptions = {}): JsonApi {
  const base = {
    url: hubApiUrl(conn.url),
    ...(conn.tls ? { tls: conn.tls } : {}),
    ...(conn.timeoutMs ? { timeoutMs: conn.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  };
  const credentials = conn.auth.kind === "basic" ? { username: conn.auth.username, secret: conn.auth.password } : undefined;
  let signInApi: JsonApi | undefined;
  const session = createHubSession(credentials, () => (signInApi ??= createJsonApi(base)));
  const api = createJsonApi({ ...base, authorization: () => session.authorization(), onUnauthorized: () => session.invalidate() });
  return {
    ...api,
    close: async () => {
      await Promise.all([api.close(), signInApi?.close()]);
    },
  };
}

/** Hub repository list entry and tag, as the OpenAPI document describes them (fields we read). */
export interface HubRepositoryEntry {
  name?: string;
  namespace?: string;
  description?: string | null;
  is_private?: boolean;
  pull_count?: number;
  star_count?: number;
  last_updated?: string | null;
}

export interface HubImage {
  architecture?: string;
  os?: string;
  variant?: string;
  digest?: string | null;
  size?: number;
  last_pulled?: string | null;
  last_pushed?: string | null;
}

export interface HubTag {
  name?: string;
  full_size?: number;
  last_updated?: string | null;
  tag_last_pulled?: string | null;
  tag_last_pushed?: string | null;
  /** the spec says one object; Hub serves one entry per platform */
  images?: HubImage[] | HubImage;
  /** not in the spec, but Hub sends it: the digest the tag points at */
  digest?: string;
  /** not in the spec either, sent beside it: the media type of that manifest */
  media_type?: string;
}

/** Pages of 100 (Hub's maximum) read per listing: 5,000 repositories or tags. */
const HUB_MAX_PAGES = 50;

/** A Hub listing, and whether it went on past the pages we read. */
export interface HubListing<T> {
  items: T[];
  truncated: boolean;
}

async function hubPages<T>(api: JsonApi, path: string, what: string, maxPages: number): Promise<HubListing<T>> {
  let truncated = false;
  const items = await allPages<T>(api, { path, what }, {
    items: (body) => (body as { results?: unknown } | null)?.results,
    // the `next` link, not a full page, says there is more: Hub answers a page past the end with 404
    hasNext: (body) => {
      const next = (body as { next?: unknown } | null)?.next;
      return typeof next === "string" && next !== "";
    },
    maxPages,
    onTruncated: () => {
      truncated = true;
    },
  });
  return { items, truncated };
}

export async function namespaceRepositories(api: JsonApi, namespace: string, maxPages = HUB_MAX_PAGES): Promise<HubListing<HubRepositoryEntry>> {
  return hubPages(api, `/v2/namespaces/${encodeURIComponent(namespace)}/repositories`, `repositories of Docker Hub namespace ${namespace}`, maxPages);
}

export async function repositoryTags(api: JsonApi, repository: string, maxPages = HUB_MAX_PAGES): Promise<HubListing<HubTag>> {
  const [namespace, name] = splitHubRepository(repository);
  return hubPages(api, `/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(name)}/tags`, `tags of ${repository}`, maxPages);
}

export async function repositoryDetails(api: JsonApi, repository: string): Promise<{ immutable_tags_settings?: { enabled?: boolean; rules?: string[] } } & HubRepositoryEntry> {
  const [namespace, name] = splitHubRepository(repository);
  const res = await api.call<unknown>({ path: `/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(name)}`, what: `repository ${repository}` });
  return expectObject(api, res.data, `repository ${repository}`);
}

/** "library/nginx" → ["library", "nginx"]; a bare name is an official image in "library". */
export function splitHubRepository(repository: string): [string, string] {
  const i = repository.indexOf("/");
  return i < 0 ? ["library", repository] : [repository.slice(0, i), repository.slice(i + 1)];
}

export function toRepositoryInfo(r: HubRepositoryEntry): RepositoryInfo {
  return {
    name: joinNamespace(r.namespace ?? "", r.name ?? ""),
    ...(r.description ? { description: r.description } : {}),
    ...(r.pull_count !== undefined ? { pullCount: r.pull_count } : {}),
    ...(r.last_updated ? { lastUpdated: r.last_updated } : {}),
    ...(r.is_private !== undefined ? { private: r.is_private } : {}),
  };
}
