/**
 * A Docker Hub simulator on loopback, playing both hub.docker.com and registry-1.docker.io:
 *  - the Hub API endpoints Dockmaster uses: POST /v2/auth/token (personal access token → JWT),
 *    namespace repositories, one repository, its tags and one tag; each response checked against the
 *    Hub OpenAPI document (hubSpec, with its listed errata);
 *  - every other /v2/ path forwarded to a real docker-registry with token auth, whose token service is
 *    test/harness/token-server.ts (the distribution token flow, as auth.docker.io runs it), adding
 *    Hub's rate-limit headers to manifest responses (GETs count against the limit, HEADs do not), but
 *    not where Hub leaves them out (see rateLimitHeaders);
 *  - `ratelimitpreview/test:latest`, the image Docker documents for checking an account's limit, is
 *    in the registry from the start, as it is on Hub.
 */
import crypto from "node:crypto";
import { buildImage } from "../../harness/image-builder";
import type { RegistryUser } from "../../harness/registry";
import { pushImage } from "../../harness/seed";
import { openBacking } from "../backing";
import { startHttpSim, type RunningSim, type SimReply, type SimRequest } from "../http-sim";
import { hubSpec } from "../spec/specs";

export interface HubRepoFixture {
  description?: string;
  private?: boolean;
  pullCount?: number;
  starCount?: number;
  lastUpdated?: string;
  immutableTagRules?: string[];
  /** a Docker Official, Verified Publisher or Sponsored OSS image: its pulls are not counted, and Hub sends no rate-limit headers for it */
  rateLimitExempt?: boolean;
}

export interface HubTagFixture {
  lastPushed?: string;
  lastPulled?: string;
}

export interface HubSim extends RunningSim {
  setRepository(repository: string, f: HubRepoFixture): void;
  setTag(repository: string, tag: string, f: HubTagFixture): void;
  /** remaining pulls reported in ratelimit-remaining; null: the account's pulls are not limited (no headers at all) */
  setRateLimit(limit: number | null, remaining?: number): void;
  /** JWTs the sim issued, newest last */
  issuedTokens: string[];
  /** "repository:tag" deleted through the Hub API, in order */
  deletedTags: string[];
}

export interface HubSimOptions {
  /** the registry behind /v2/ (token auth) */
  registryUrl: string;
  /** users and their personal access tokens (the same accounts the token service knows) */
  users: RegistryUser[];
  /** lifetime of Hub API JWTs; Hub's are 10 minutes */
  tokenTtlSeconds?: number;
  /** the registry's token service (test/harness/token-server.ts), which the simulator's own reads trust */
  tokenRealm?: string;
}

/** Paths of the Hub API (everything else under /v2/ is the registry). */
const HUB_API = /^\/v2\/(namespaces|auth|access-tokens|orgs|users|repositories|auditlogs|invites|scim)\//;
const MANIFEST = /^\/v2\/(.+)\/manifests\/[^/]+$/;
/** documented by Docker for reading the account's pull limit: https://docs.docker.com/docker-hub/usage/pulls/ */
export const RATE_LIMIT_PREVIEW = "ratelimitpreview/test";

export async function startHubSim(options: HubSimOptions): Promise<HubSim> {
  const user0 = options.users[0]!;
  const backing = openBacking(options.registryUrl, { kind: "basic", username: user0.username, password: user0.password }, options.tokenRealm ? [options.tokenRealm] : undefined);
  const spec = hubSpec();
  const secret = crypto.randomBytes(32);
  const repos = new Map<string, HubRepoFixture>();
  const tagMeta = new Map<string, HubTagFixture>();
  const issuedTokens: string[] = [];
  const deletedTags: string[] = [];
  let rate: { limit: number; remaining: number } | null = { limit: 200, remaining: 200 };
  const registered = "2025-06-01T00:00:00.000000Z";

  const json = (status: number, body: unknown): SimReply => ({ status, json: body });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

  function issue(username: string): string {
    const now = Math.floor(Date.now() / 1000);
    const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: username, iat: now, exp: now + (options.tokenTtlSeconds ?? 600), iss: "hub-sim", jti: crypto.randomUUID() })}`;
    const token = `${head}.${crypto.createHmac("sha256", secret).update(head).digest("base64url")}`;
    issuedTokens.push(token);
    return token;
  }

  /** the user a valid, unexpired Hub JWT names; undefined otherwise */
  function bearerUser(req: SimRequest): string | undefined {
    const m = /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(String(req.headers.authorization ?? ""));
    if (!m) return undefined;
    const expected = crypto.createHmac("sha256", secret).update(`${m[1]}.${m[2]}`).digest("base64url");
    if (expected !== m[3]) return undefined;
    const claims = JSON.parse(Buffer.from(m[2]!, "base64url").toString()) as { sub: string; exp: number };
    return claims.exp > Date.now() / 1000 ? claims.sub : undefined;
  }

  async function namespaceRepos(namespace: string): Promise<string[]> {
    return [...new Set([...(await backing.repositories()), ...repos.keys()])].filter((r) => r.startsWith(`${namespace}/`) && r.split("/").length === 2).sort();
  }

  /** `inRegistry`: the registry's repositories, when known; a fixture-only repository has no images to read */
  async function entry(repository: string, inRegistry?: Set<string>) {
    const [namespace, name] = repository.split("/") as [string, string];
    const f = repos.get(repository) ?? {};
    const images = inRegistry && !inRegistry.has(repository) ? [] : await backing.images(repository).catch(() => []);
    return {
      name,
      namespace,
      repository_type: "image",
      status: 1,
      status_description: "active",
      description: f.description ?? "",
      is_private: f.private ?? false,
      star_count: f.starCount ?? 0,
      pull_count: f.pullCount ?? 0,
      last_updated: f.lastUpdated ?? registered,
      last_modified: f.lastUpdated ?? registered,
      date_registered: registered,
      affiliation: "",
      media_types: [...new Set(images.map((i) => i.mediaType))],
      content_types: ["image"],
      categories: [],
      storage_size: images.reduce((n, i) => n + i.size, 0),
    };
  }

  async function tags(repository: string) {
    const images = await backing.images(repository);
    // Hub's tag listing shows every tag of the repository, a client's referrers fallback tag
    // (`sha256-<hex>`, an index of the image's referrers) included
    const referrersTags = (await backing.referrersTags(repository)).map((r) => ({ ...r, tags: [r.tag], platforms: [], created: undefined, referrersIndex: true }));
    return [...images, ...referrersTags]
      .flatMap((img) =>
        img.tags.map((t) => {
          const f = tagMeta.get(`${repository}:${t}`) ?? {};
          const pushed = f.lastPushed ?? img.created ?? registered;
          const platforms = img.platforms.length || "referrersIndex" in img ? img.platforms : [{ os: "linux", architecture: "amd64", digest: img.digest, size: img.size }];
          return {
            id: Number.parseInt(img.digest.slice(7, 13), 16),
            creator: 1,
            last_updated: pushed,
            last_updater: 1,
            last_updater_username: user0.username,
            name: t,
            repository: 1,
            full_size: img.size,
            // not in the spec, but Hub sends them (see HUB_SPEC_ERRATA): what the tag points at
            digest: img.digest,
            media_type: img.mediaType,
            content_type: "image",
            v2: "true",
            status: f.lastPulled ? "active" : "inactive",
            tag_last_pulled: f.lastPulled ?? null,
            tag_last_pushed: pushed,
            images: platforms.map((p) => ({
              architecture: p.architecture,
              os: p.os,
              ...("variant" in p && p.variant ? { variant: p.variant } : {}),
              digest: p.digest,
              size: p.size,
              status: f.lastPulled ? "active" : "inactive",
              last_pulled: f.lastPulled ?? null,
              last_pushed: pushed,
            })),
          };
        }),
      )
      .sort((a, b) => b.tag_last_pushed.localeCompare(a.tag_last_pushed));
  }

  /**
   * One page of a `page` / `page_size` listing. A page past the end is a 404, not an empty 200: the spec
   * documents it for listNamespaceRepositories ("Page not found - occurs when requesting a page number
   * `>1` that exceeds the available results") and Hub answers the tag list (ListRepositoryTags) the same
   * way. Page 1 of an empty list is still a 200 with no results. `entries` turns only the page's slice
   * into response objects, so a namespace of thousands of repositories stays cheap to list.
   */
  async function page<T, R = T>(req: SimRequest, items: T[], entries: (slice: T[]) => Promise<R[]> | R[] = (slice) => slice as unknown as R[]): Promise<SimReply> {
    const pageNo = Math.max(1, Number(req.url.searchParams.get("page") ?? 1));
    const size = Math.min(100, Math.max(1, Number(req.url.searchParams.get("page_size") ?? 10)));
    if (pageNo > 1 && (pageNo - 1) * size >= items.length) return json(404, { detail: "Page not found", message: "page not found" });
    const link = (n: number) => {
      const u = new URL(`http://${String(req.headers.host)}${req.rawPath}`);
      u.searchParams.set("page", String(n));
      u.searchParams.set("page_size", String(size));
      return u.toString();
    };
    const results = await entries(items.slice((pageNo - 1) * size, pageNo * size));
    return json(200, { count: items.length, next: pageNo * size < items.length ? link(pageNo + 1) : null, previous: pageNo > 1 ? link(pageNo - 1) : null, results });
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const p = req.rawPath.split("/").slice(1).map(decodeURIComponent);
    if (req.method === "POST" && req.rawPath === "/v2/auth/token") {
      let body: { identifier?: string; secret?: string };
      try {
        body = JSON.parse(req.body.toString("utf8")) as typeof body;
      } catch {
        return json(401, { detail: "invalid request body", message: "invalid request body" });
      }
      const ok = options.users.some((u) => u.username === body.identifier && u.password === body.secret);
      if (!ok) return json(401, { detail: "Incorrect authentication credentials", message: "Incorrect authentication credentials" });
      return json(200, { access_token: issue(body.identifier!) });
    }
    if (req.method === "DELETE" && p[0] === "v2" && p[1] === "repositories" && p[4] === "tags" && p.length === 7 && p[6] === "") return deleteTag(req, `${p[2]}/${p[3]}`, p[5]!);
    if (req.method !== "GET" || p[0] !== "v2" || p[1] !== "namespaces" || p[3] !== "repositories") return json(404, { detail: "Not found", message: `no route ${req.method} ${req.rawPath}` });
    const namespace = p[2]!;
    const user = bearerUser(req);
    const hasBearer = String(req.headers.authorization ?? "").startsWith("Bearer ");
    if (p.length === 4) {
      if (hasBearer && !user) return json(401, { detail: "token expired or invalid", message: "token expired or invalid" });
      const q = req.url.searchParams.get("name");
      const visible = (await namespaceRepos(namespace)).filter((r) => (!repos.get(r)?.private || user) && (!q || r.slice(namespace.length + 1).includes(q)));
      return page(req, visible, async (slice) => {
        const inRegistry = new Set(await backing.repositories());
        return Promise.all(slice.map((r) => entry(r, inRegistry)));
      });
    }
    const repository = `${namespace}/${p[4]}`;
    if (!(await namespaceRepos(namespace)).includes(repository)) return json(404, { message: `repository ${repository} not found` });
    if (repos.get(repository)?.private && !user) {
      // the spec documents 403, not 401, for the tag endpoints
      return p.length === 5 && hasBearer ? json(401, { detail: "token expired or invalid", message: "token expired or invalid" }) : json(403, { message: "access to this repository is forbidden" });
    }
    if (p.length === 5) {
      const e = await entry(repository);
      const f = repos.get(repository) ?? {};
      return json(200, {
        user: namespace,
        name: e.name,
        namespace,
        repository_type: "image",
        status: 1,
        status_description: "active",
        description: e.description,
        is_private: e.is_private,
        is_automated: false,
        star_count: e.star_count,
        pull_count: e.pull_count,
        last_updated: e.last_updated,
        last_modified: e.last_modified,
        date_registered: registered,
        collaborator_count: 0,
        affiliation: null,
        hub_user: namespace,
        has_starred: false,
        full_description: null,
        permissions: { read: true, write: !!user, admin: !!user },
        media_types: e.media_types,
        content_types: e.content_types,
        categories: [],
        immutable_tags_settings: { enabled: (f.immutableTagRules ?? []).length > 0, rules: f.immutableTagRules ?? [] },
        storage_size: e.storage_size,
      });
    }
    if (p[5] === "tags" && p.length === 6) return page(req, await tags(repository));
    if (p[5] === "tags" && p.length === 7) {
      const t = (await tags(repository)).find((x) => x.name === p[6]);
      return t ? json(200, t) : json(404, { message: `tag ${p[6]} not found` });
    }
    return json(404, { message: `no route ${req.rawPath}` });
  }

  /**
   * DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/ (the legacy endpoint Hub's clients use;
   * see HUB_SPEC_ERRATA): a signed-in account that owns the namespace may delete; 204 without a body.
   * Other accounts get 403, no token 401, an unknown repository or tag 404.
   */
  async function deleteTag(req: SimRequest, repository: string, tag: string): Promise<SimReply> {
    const user = bearerUser(req);
    if (!user) return json(401, { detail: "Authentication credentials were not provided.", message: "authentication required" });
    if (user !== repository.split("/")[0]) return json(403, { detail: "You do not have permission to perform this action.", message: "forbidden" });
    if (!(await namespaceRepos(repository.split("/")[0]!)).includes(repository)) return json(404, { detail: "Not found.", message: `repository ${repository} not found` });
    const image = (await backing.images(repository)).find((i) => i.tags.includes(tag));
    if (!image) return json(404, { detail: "Not found.", message: `tag ${tag} not found` });
    await backing.removeTag(repository, tag);
    deletedTags.push(`${repository}:${tag}`);
    return { status: 204 };
  }

  /**
   * Hub's pull-limit headers on a manifest response. Left out where Hub leaves them out: for an account
   * whose pulls are not limited, for exempt images (Docker: "If you don't see any RateLimit header, it
   * could be because the image or your IP is unlimited in partnership with a publisher, provider, or an
   * open source organization"), and on a 404 for a tag that does not exist (not a pull, so nothing to
   * count: Hub may answer it without them). GETs count against the limit, HEADs do not.
   */
  function rateLimitHeaders(req: SimRequest, status: number): Record<string, string> {
    const repository = MANIFEST.exec(req.rawPath)?.[1];
    if (!repository || !rate || status === 401 || status === 404 || repos.get(repository)?.rateLimitExempt) return {};
    if (req.method === "GET" && status === 200) rate = { ...rate, remaining: Math.max(0, rate.remaining - 1) };
    return { "ratelimit-limit": `${rate.limit};w=21600`, "ratelimit-remaining": `${rate.remaining};w=21600`, "docker-ratelimit-source": "127.0.0.1" };
  }

  await pushImage(backing.provider, RATE_LIMIT_PREVIEW, buildImage({ layerCount: 1, created: "2020-10-01T00:00:00Z" }), "latest");

  const sim = await startHttpSim({
    name: "dockerhub",
    handle,
    check: (x) => spec.check({ method: x.method, path: x.path, status: x.status, ...(x.contentType ? { contentType: x.contentType } : {}), body: x.body }).problems,
    errorReply: (status, message) => json(status, status === 403 || status === 404 ? { message } : { detail: message, message }),
    proxy: {
      matches: (path) => (path === "/v2" || path.startsWith("/v2/")) && !HUB_API.test(path),
      target: options.registryUrl,
      extraHeaders: rateLimitHeaders,
    },
  });

  return {
    ...sim,
    issuedTokens,
    deletedTags,
    setRepository(repository, f) {
      repos.set(repository, { ...repos.get(repository), ...f });
    },
    setTag(repository, tag, f) {
      tagMeta.set(`${repository}:${tag}`, { ...tagMeta.get(`${repository}:${tag}`), ...f });
    },
    setRateLimit(limit, remaining = limit ?? 0) {
      rate = limit === null ? null : { limit, remaining };
    },
    stop: async () => {
      await sim.stop();
      await backing.close();
    },
  };
}
