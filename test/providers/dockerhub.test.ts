/**
 * Contract tests of the Docker Hub provider against the Hub simulator (test/sim/dockerhub): the Hub API
 * with personal-access-token sign-in, each response checked against Hub's OpenAPI document, and the
 * registry side on a real docker-registry behind the distribution token service.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJsonApi } from "../../lib/registry/transport/json-api";
import { createDockerHubProvider, matchesImmutableRule, parseRateLimitHeader, type DockerHubProvider } from "../../lib/registry/dockerhub/provider";
import { createHubSession } from "../../lib/registry/dockerhub/session";
import { hubApiUrl } from "../../lib/registry/dockerhub/api";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { buildImage, buildIndex } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex } from "../harness/seed";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { startHubSim, type HubSim } from "../sim/dockerhub/server";
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

  it("tag lifecycle: last pushed, last pulled, immutable by the repository's rules, digest of single-platform tags", async () => {
    const life = await hub.tagLifecycle("acme/web");
    expect(life.policy).toBeUndefined();
    const byTag = Object.fromEntries(life.tags.map((t) => [t.tag, t]));
    expect(byTag["1.0"]).toEqual({ tag: "1.0", digest: digests.web10, pushedAt: "2025-11-01T00:00:00.000000Z", lastPulledAt: "2026-02-01T12:00:00.000000Z", immutable: true });
    expect(byTag["1.1"]).toEqual({ tag: "1.1", pushedAt: "2026-01-20T00:00:00.000000Z", immutable: false });
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
    expect(await hub.rateLimit("acme/web")).toMatchObject({ limit: 100, remaining: 76, windowSeconds: 21600, source: "127.0.0.1" });
    expect((await hub.rateLimit("acme/web"))?.remaining).toBe(76);
    await hub.getManifest("acme/web", "1.0");
    expect((await hub.rateLimit("acme/web"))?.remaining).toBe(75);
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
    expect(HUB_SPEC_ERRATA).toHaveLength(1);
    expect(sim.checkedCount()).toBeGreaterThan(20);
  });
});
