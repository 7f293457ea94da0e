/**
 * Contract tests of the Docker Hub provider against the Hub simulator (test/sim/dockerhub): the Hub API
 * with personal-access-token sign-in, each response checked against Hub's OpenAPI document, and the
 * registry side on a real docker-registry behind the distribution token service.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LifecyclePolicyNote } from "../../components/registry/lifecycle-cells";
import { RegistryExtras } from "../../components/registry/registry-extras";
import { createJsonApi } from "../../lib/registry/transport/json-api";
import { createDockerHubProvider, matchesImmutableRule, parseRateLimitHeader, type DockerHubProvider } from "../../lib/registry/dockerhub/provider";
import { createHubSession } from "../../lib/registry/dockerhub/session";
import { searchRepositories } from "../../lib/browse/repositories";
import { hubApiUrl } from "../../lib/registry/dockerhub/api";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { buildImage, buildIndex } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { RATE_LIMIT_PREVIEW, startHubSim, type HubSim } from "../sim/dockerhub/server";
import { hubSpec, HUB_SPEC_ERRATA } from "../sim/spec/specs";

const USER = { username: "acmebot", password: "dckr_pat_2b3e36beeb386dfdaacb9b46004ccb7c" };
const auth = { kind: "basic" as const, ...USER };
const fast = { retry: { baseDelayMs: 5, maxDelayMs: 20 } };

let tokens: RunningTokenServer;
let registry: RunningRegistry;
let sim: HubSim;
let hub: DockerHubProvider;
const digests: Record<string, string> = {};

beforeAll(async () => {
  tokens = await startTokenServer({ users: [USER], anonymousPull: true });
  registry = await startRegistry({ auth: "token", token: tokens.config });
  sim = await startHubSim({ registryUrl: registry.url, users: [USER], tokenRealm: tokens.realm });
  const pusher = createOciProvider({ name: "push", url: sim.url, auth, tokenRealms: [tokens.realm] });
  digests.web10 = await pushImage(pusher, "acme/web", buildImage({ layerCount: 1, created: "2025-11-01T00:00:00Z" }), "1.0");
  const platforms = [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }].map((platform) => buildImage({ platform, layerCount: 1 }));
  digests.web11 = await pushIndex(pusher, "acme/web", buildIndex(platforms), platforms, "1.1");
  digests.api = await pushImage(pusher, "acme/api", buildImage({ layerCount: 1 }), "v1");
  await pushImage(pusher, "acme/secret", buildImage({ layerCount: 1 }), "v1");
  await pusher.close();

  sim.setRepository("acme/web", { description: "the web front end", pullCount: 1234, lastUpdated: "2026-01-20T00:00:00.000000Z", immutableTagRules: ["1\\.0"] });
  sim.setRepository("acme/secret", { private: true, pullCount: 2 });
  sim.setTag("acme/web", "1.0", { lastPushed: "2025-11-01T00:00:00.000000Z", lastPulled: "2026-02-01T12:00:00.000000Z" });
  sim.setTag("acme/web", "1.1", { lastPushed: "2026-01-20T00:00:00.000000Z" });
  hub = createDockerHubProvider({ name: "hub", url: sim.url, auth, namespaces: ["acme"], tokenRealms: [tokens.realm] }, fast);
});

afterEach(() => {
  sim.clearFaults();
  expect(sim.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await hub?.close();
  await sim?.stop();
  await registry?.stop();
  await tokens?.stop();
});

describe("Docker Hub provider against the simulator", () => {
  it("signs in with the personal access token once and lists the namespace's repositories, private ones included", async () => {
    const before = sim.issuedTokens.length;
    const first = await hub.listRepositories({ pageSize: 2 });
    expect(first).toEqual({ items: ["acme/api", "acme/secret"], next: "2" });
    expect(await hub.listRepositories({ pageSize: 2, cursor: first.next })).toEqual({ items: ["acme/web"] });
    expect(sim.issuedTokens.length - before).toBe(1);
  });

  it("without credentials lists only public repositories", async () => {
    const anonymous = createDockerHubProvider({ name: "hub", url: sim.url, auth: { kind: "anonymous" }, namespaces: ["acme"] }, fast);
    try {
      expect((await anonymous.listRepositories()).items).toEqual(["acme/api", "acme/web"]);
    } finally {
      await anonymous.close();
    }
  });

  it("repository details: pull count, last updated, description, privacy", async () => {
    const info = await hub.repositoryInfo({ namespace: "acme" });
    expect(info.find((r) => r.name === "acme/web")).toEqual({ name: "acme/web", description: "the web front end", pullCount: 1234, lastUpdated: "2026-01-20T00:00:00.000000Z", private: false });
    expect(info.find((r) => r.name === "acme/secret")?.private).toBe(true);
  });

  it("tag lifecycle: last pushed, last pulled, immutable by the repository's rules, the digest of every tag (multi-platform ones too)", async () => {
    const life = await hub.tagLifecycle("acme/web");
    expect(life.policy).toBeUndefined();
    const byTag = Object.fromEntries(life.tags.map((t) => [t.tag, t]));
    expect(byTag["1.0"]).toEqual({ tag: "1.0", digest: digests.web10, pushedAt: "2025-11-01T00:00:00.000000Z", lastPulledAt: "2026-02-01T12:00:00.000000Z", immutable: true });
    expect(byTag["1.1"]).toEqual({ tag: "1.1", digest: digests.web11, pushedAt: "2026-01-20T00:00:00.000000Z", immutable: false });
  });

  it("reads content through the registry's token service", async () => {
    expect((await hub.listTags("acme/web")).items.sort()).toEqual(["1.0", "1.1"]);
    const d = await hub.describeArtifact("acme/web", "1.1");
    expect(d.digest).toBe(digests.web11);
    expect(d.platforms.map((p) => p.architecture).sort()).toEqual(["amd64", "arm64"]);
    expect(tokens.requests.some((r) => r.user === USER.username && r.scopes.includes("repository:acme/web:pull"))).toBe(true);
  });

  it("reads the pull rate limit from manifest headers; a HEAD does not use it up, a GET does", async () => {
    sim.setRateLimit(100, 76);
    expect(await hub.rateLimit()).toMatchObject({ limit: 100, remaining: 76, windowSeconds: 21600, source: "127.0.0.1" });
    expect((await hub.rateLimit())?.remaining).toBe(76);
    await hub.getManifest("acme/web", "1.0");
    expect((await hub.rateLimit())?.remaining).toBe(75);
  });

  it("probes ratelimitpreview/test:latest with a token for that repository, not one of the namespace's images", async () => {
    sim.setRateLimit(100, 60);
    expect(await hub.rateLimit()).toMatchObject({ limit: 100, remaining: 60 });
    expect(sim.forwarded.at(-1)).toEqual({ method: "HEAD", path: `/v2/${RATE_LIMIT_PREVIEW}/manifests/latest`, status: 200 });
    expect(tokens.requests.some((r) => r.user === USER.username && r.scopes.includes(`repository:${RATE_LIMIT_PREVIEW}:pull`))).toBe(true);
  });

  // the registry page used to probe `<first repository>:latest`: acme/api has no `latest` (a 404 without
  // headers) and a sponsored image never has them, so it said "no limit applies" to a limited account
  it("registry page: shows the account's limit from ratelimitpreview/test whatever repositories are listed", async () => {
    sim.setRateLimit(100, 42);
    sim.setRepository("acme/web", { rateLimitExempt: true });
    try {
      for (const repositories of [["acme/api", "acme/web"], ["acme/web"]]) {
        const html = renderToStaticMarkup(await RegistryExtras({ provider: hub, repositories, namespaces: null }));
        expect(html).toContain("42</strong> of 100 pulls remaining per 6 h");
      }
    } finally {
      sim.setRepository("acme/web", { rateLimitExempt: false });
    }
  });

  it("registry page: no rate-limit headers means the limit is unknown, not that none applies", async () => {
    sim.setRateLimit(null);
    try {
      expect(await hub.rateLimit()).toBeNull();
      const html = renderToStaticMarkup(await RegistryExtras({ provider: hub, repositories: ["acme/web"], namespaces: null }));
      expect(html).toContain("unknown");
      expect(html).not.toContain("no limit applies");
    } finally {
      sim.setRateLimit(200, 200);
    }
  });

  it("refreshes the Hub JWT shortly before it expires", async () => {
    let now = Date.now();
    const api = createJsonApi({ url: sim.url });
    const session = createHubSession({ username: USER.username, secret: USER.password }, () => api, () => now);
    try {
      const before = sim.issuedTokens.length;
      const first = await session.authorization();
      expect(await session.authorization()).toBe(first);
      now += 8 * 60_000;
      expect(await session.authorization()).toBe(first);
      now += 2 * 60_000; // within a minute of the 10-minute expiry
      expect(await session.authorization()).not.toBe(first);
      expect(sim.issuedTokens.length - before).toBe(2);
    } finally {
      await api.close();
    }
  });

  it("knows which host serves the API", () => {
    expect(hubApiUrl("https://registry-1.docker.io")).toBe("https://hub.docker.com");
    expect(hubApiUrl("docker.io")).toBe("https://hub.docker.com");
    expect(hubApiUrl(sim.url)).toBe(sim.url);
    expect(parseRateLimitHeader("100;w=21600")).toEqual({ value: 100, windowSeconds: 21600 });
    expect(matchesImmutableRule(["v\\d+"], "v12")).toBe(true);
    expect(matchesImmutableRule(["v\\d+"], "v12-rc")).toBe(false);
  });
});

describe("Docker Hub paging: a page past the end is 404", () => {
  // exactly one and two full pages of the client's page size (100), and one more page than the cap allows
  const names = (ns: string, n: number) => Array.from({ length: n }, (_, i) => `${ns}/repo-${String(i).padStart(3, "0")}`);

  beforeAll(async () => {
    for (const r of [...names("hundred", 100), ...names("twohundred", 200)]) sim.setRepository(r, {});
    const pusher = createOciProvider({ name: "push", url: sim.url, auth, tokenRealms: [tokens.realm] });
    const image = buildImage({ layerCount: 1 });
    await pushImage(pusher, "tagged/many", image, "t000");
    for (let i = 1; i < 100; i++) await pusher.putManifest("tagged/many", `t${String(i).padStart(3, "0")}`, image.manifest.bytes, image.manifest.mediaType);
    await pusher.close();
  });

  it("the simulator answers a page past the end with 404, as the spec documents for listNamespaceRepositories", async () => {
    expect((await fetch(`${sim.url}/v2/namespaces/hundred/repositories?page=1&page_size=100`)).status).toBe(200);
    const past = await fetch(`${sim.url}/v2/namespaces/hundred/repositories?page=2&page_size=100`);
    expect(past.status).toBe(404);
    await past.body?.cancel();
    const tagsPast = await fetch(`${sim.url}/v2/namespaces/tagged/repositories/many/tags?page=2&page_size=100`);
    expect(tagsPast.status).toBe(404);
    await tagsPast.body?.cancel();
    expect((await fetch(`${sim.url}/v2/namespaces/nobody/repositories?page=1`)).status).toBe(200);
  });

  it("a namespace of exactly 100 or 200 repositories: stops when `next` is null", async () => {
    const p = createDockerHubProvider({ name: "hub", url: sim.url, auth, namespaces: ["hundred", "twohundred"] }, fast);
    try {
      const listed = await p.listRepositories({ pageSize: 1000 });
      expect(listed.items).toEqual([...names("hundred", 100), ...names("twohundred", 200)]);
      expect(listed.truncated).toBeUndefined();
      expect(await p.repositoryInfo({ namespace: "twohundred" })).toHaveLength(200);
    } finally {
      await p.close();
    }
  });

  it("a repository of exactly 100 tags: the tag lifecycle stops when `next` is null", async () => {
    const life = await hub.tagLifecycle("tagged/many");
    expect(life.tags).toHaveLength(100);
    expect(life.truncated).toBeUndefined();
  });

  it("more pages than the cap: the listing says truncated instead of silently stopping", async () => {
    const p = createDockerHubProvider({ name: "hub", url: sim.url, auth, namespaces: ["hundred", "twohundred"] }, { ...fast, maxListPages: 1 });
    try {
      const listed = await p.listRepositories({ pageSize: 1000 });
      expect(listed.items).toHaveLength(200);
      expect(listed.truncated).toBe(true);
      // what the registry page and the environment views read: they say "partial"
      expect(await searchRepositories(p, { namespace: "twohundred" })).toMatchObject({ total: 100, truncated: expect.objectContaining({ reason: "registry-limit" }) });
      expect((await p.tagLifecycle("tagged/many")).truncated).toBeUndefined();
      // one tag more than a page: the tag lifecycle is partial, and the repository page says so
      const pusher = createOciProvider({ name: "push", url: sim.url, auth, tokenRealms: [tokens.realm] });
      const image = buildImage({ layerCount: 1 });
      await pushImage(pusher, "tagged/many", image, "t100");
      await pusher.close();
      const report = await p.tagLifecycle("tagged/many");
      expect(report).toMatchObject({ truncated: true });
      expect(report.tags).toHaveLength(100);
      expect(renderToStaticMarkup(createElement(LifecyclePolicyNote, { lifecycle: { report, byTag: {} } }))).toContain("Tag lifecycle is partial");
    } finally {
      await p.close();
    }
    const two = createDockerHubProvider({ name: "hub", url: sim.url, auth, namespaces: ["twohundred"] }, { ...fast, maxListPages: 2 });
    try {
      expect((await two.listRepositories()).truncated).toBeUndefined();
    } finally {
      await two.close();
    }
  });
});

describe("Docker Hub provider failures", () => {
  it("401: a wrong personal access token fails the sign-in as unauthorized", async () => {
    const wrong = createDockerHubProvider({ name: "hub", url: sim.url, auth: { kind: "basic", username: USER.username, password: "dckr_pat_wrong" }, namespaces: ["acme"], tokenRealms: [tokens.realm] }, fast);
    try {
      await expect(wrong.repositoryInfo()).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    } finally {
      await wrong.close();
    }
  });

  it("401 on an API call with a token Hub no longer accepts: signs in again once and succeeds", async () => {
    await hub.repositoryInfo(); // a valid token is cached now
    const before = sim.issuedTokens.length;
    const fault = sim.fault({ path: "/v2/namespaces/acme/repositories", status: 401 });
    expect((await hub.repositoryInfo()).length).toBe(3);
    expect(fault.hits()).toBe(1);
    expect(sim.issuedTokens.length - before).toBe(1);
  });

  it("403: tags of a private repository without credentials are forbidden", async () => {
    const anonymous = createDockerHubProvider({ name: "hub", url: sim.url, auth: { kind: "anonymous" }, namespaces: ["acme"] }, fast);
    try {
      await expect(anonymous.tagLifecycle("acme/secret")).rejects.toMatchObject({ kind: "forbidden", status: 403 });
    } finally {
      await anonymous.close();
    }
  });

  it("404: an unknown repository is not_found", async () => {
    await expect(hub.tagLifecycle("acme/nothing")).rejects.toMatchObject({ kind: "not_found", status: 404 });
  });

  it("429 with Retry-After: waits as asked, then succeeds; a long one fails as rate_limited", async () => {
    const fault = sim.fault({ path: "/v2/namespaces/acme/repositories", status: 429, retryAfter: "1" });
    const started = Date.now();
    expect((await hub.repositoryInfo()).length).toBe(3);
    expect(fault.hits()).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    sim.fault({ path: "/v2/namespaces/acme/repositories", status: 429, retryAfter: "3600" });
    await expect(hub.repositoryInfo()).rejects.toMatchObject({ kind: "rate_limited", retryAfterMs: 3_600_000 });
  });

  it("5xx: a transient 502 is retried; a persistent 500 fails after the retries", async () => {
    const transient = sim.fault({ path: "/v2/namespaces/acme/repositories", status: 502 });
    expect((await hub.repositoryInfo()).length).toBe(3);
    expect(transient.hits()).toBe(1);
    sim.fault({ path: "/v2/namespaces/acme/repositories", status: 500, times: 10 });
    await expect(hub.repositoryInfo()).rejects.toMatchObject({ kind: "bad_response", status: 500 });
  });

  it("malformed body: bad_response", async () => {
    sim.fault({ path: "/v2/namespaces/acme/repositories/web/tags", malformed: true });
    await expect(hub.tagLifecycle("acme/web")).rejects.toMatchObject({ kind: "bad_response" });
  });
});

describe("the OpenAPI check itself", () => {
  it("rejects a response that breaks the schema", () => {
    const body = Buffer.from(JSON.stringify({ count: "3", next: null, previous: null, results: [{ name: "web", pull_count: -1, nickname: "x" }] }));
    const problems = hubSpec().check({ method: "GET", path: "/v2/namespaces/acme/repositories", status: 200, contentType: "application/json", body }).problems.join("\n");
    expect(problems).toContain("body/count must be integer");
    expect(problems).toContain("pull_count must be >= 0");
    expect(problems).toContain("(nickname)");
  });

  it("applies only the listed errata, and checked every Hub API response sent here", () => {
    // the two schema errata, and the legacy tag delete that the published document leaves out
    expect(HUB_SPEC_ERRATA).toHaveLength(3);
    expect(sim.checkedCount()).toBeGreaterThan(20);
  });
});
