/**
 * A registry (or whoever controls its answers) that never stops paginating: every catalog or tag page
 * carries `Link: <…>; rel="next"`. Before, Dockmaster followed such a registry 1,500 times in 34 s with
 * memory growing. Now every listing is bounded in pages, items and time, stops at a cursor it has
 * seen before, refuses a next page on another origin, and says it was truncated. The registry is the
 * real docker-registry; the hostile headers come from the fault proxy in front of it.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryListing, searchRepositories, tagListing } from "../../lib/browse/repositories";
import { tagTable } from "../../lib/browse/tags";
import { RegistryError } from "../../lib/registry/errors";
import { createOciProvider, type OciProvider } from "../../lib/registry/oci/provider";
import { createJsonApi } from "../../lib/registry/transport/json-api";
import { allPages, UI_LISTING_LIMITS } from "../../lib/registry/transport/paging";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { seedBulk } from "../harness/seed";

const CATALOG = "/v2/_catalog";

describe("a registry that keeps answering rel=next", () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let evil: LoopbackListener;
  const evilRequests: string[] = [];
  let repositories: string[];
  let n = 0;
  // a fresh provider name per test: the browse caches are keyed by it
  const provider = (): OciProvider => createOciProvider({ name: `hostile-${++n}`, url: proxy.url, auth: { kind: "anonymous" }, timeoutMs: 5_000 });

  beforeAll(async () => {
    registry = await startRegistry();
    const seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    repositories = (await seedBulk(seeder, { repositories: 8, tagsPerRepository: 2, concurrency: 8, namespace: "page" })).repositories.sort();
    await seeder.close();
    proxy = await startFaultProxy(registry.url);
    evil = await listenOnLoopback(
      http.createServer((req, res) => {
        evilRequests.push(req.url ?? "");
        res.writeHead(200, { "content-type": "application/json" }).end('{"repositories":["stolen/creds"]}');
      }),
    );
  });
  afterAll(async () => {
    await proxy?.stop();
    await evil?.close();
    await registry?.stop();
  });

  it("stops an endless catalog at the page limit, reports it truncated, and shows what it read", async () => {
    proxy.reset();
    // every answer points at a new cursor that sorts before every name, so each page is non-empty
    proxy.addRule({ path: CATALOG, action: { kind: "set-headers", headers: (_path, hit) => ({ link: `</v2/_catalog?last=a-${hit}&n=5>; rel="next"` }) } });
    const p = provider();
    const started = Date.now();
    try {
      const listing = await repositoryListing(p);
      expect(proxy.requestsTo(CATALOG)).toHaveLength(UI_LISTING_LIMITS.maxPages);
      expect(listing.truncated).toMatchObject({ reason: "max-pages", pages: 200 });
      expect(listing.truncated?.message).toBe(`the registry kept returning more pages; showing the first ${listing.items.length}`);
      expect(listing.items.length).toBeLessThanOrEqual(UI_LISTING_LIMITS.maxItems);
      expect(Date.now() - started).toBeLessThan(20_000);
      // the UI's repository list carries the flag
      const page = await searchRepositories(p, { pageSize: 50 });
      expect(page.truncated?.reason).toBe("max-pages");
    } finally {
      await p.close();
    }
  });

  it("stops at the item limit of the call", async () => {
    proxy.reset();
    proxy.addRule({ path: CATALOG, action: { kind: "set-headers", headers: (_path, hit) => ({ link: `</v2/_catalog?last=a-${hit}&n=5>; rel="next"` }) } });
    const p = provider();
    try {
      const listing = await repositoryListing(p, { maxItems: 12, pageSize: 5 });
      expect(listing.items).toHaveLength(12);
      expect(listing.truncated).toMatchObject({ reason: "max-items", items: 12 });
      expect(proxy.requestsTo(CATALOG)).toHaveLength(3);
    } finally {
      await p.close();
    }
  });

  it("stops when the registry sends a cursor it already sent (same URL, or the same last=)", async () => {
    for (const next of [() => "/v2/_catalog?last=page%2Frepo-00002&n=3", (hit: number) => `/v2/_catalog?last=page%2Frepo-00002&n=3&nonce=${hit}`]) {
      proxy.reset();
      proxy.addRule({ path: CATALOG, action: { kind: "set-headers", headers: (_path, hit) => ({ link: `<${next(hit)}>; rel="next"` }) } });
      const p = provider();
      try {
        const listing = await repositoryListing(p, { pageSize: 3 });
        expect(listing.truncated).toMatchObject({ reason: "repeated-cursor" });
        expect(listing.truncated?.message).toMatch(/the registry sent the same next page again; showing the first \d+/);
        expect(proxy.requestsTo(CATALOG)).toHaveLength(2);
        expect(listing.items).toEqual([...repositories.slice(0, 3), ...repositories.slice(3, 6)]);
      } finally {
        await p.close();
      }
    }
  });

  it("gives the whole listing one deadline", async () => {
    proxy.reset();
    proxy.addRule({ path: CATALOG, action: { kind: "set-headers", delayMs: 150, headers: (_path, hit) => ({ link: `</v2/_catalog?last=a-${hit}&n=5>; rel="next"` }) } });
    const p = provider();
    const started = Date.now();
    try {
      const listing = await repositoryListing(p, { deadlineMs: 1_000 });
      const took = Date.now() - started;
      expect(listing.truncated).toMatchObject({ reason: "deadline" });
      expect(listing.truncated?.message).toMatch(/^reading every page took longer than 1 s; showing the first \d+$/);
      expect(took).toBeGreaterThanOrEqual(1_000);
      expect(took).toBeLessThan(1_600);
    } finally {
      await p.close();
    }
  });

  it("refuses a next page on another origin and never contacts it", async () => {
    proxy.reset();
    proxy.addRule({ path: CATALOG, action: { kind: "set-headers", headers: () => ({ link: `<${evil.url}/v2/_catalog?n=5>; rel="next"` }) } });
    const p = provider();
    try {
      const err = await repositoryListing(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect(err).toMatchObject({ kind: "bad_response", message: expect.stringContaining(`sent a Link rel="next" to another origin (${evil.url})`) });
      expect(evilRequests).toEqual([]);
      // another path on the same origin is refused alike: a catalog cursor must stay a catalog cursor
      proxy.reset();
      proxy.addRule({ path: CATALOG, action: { kind: "set-headers", headers: () => ({ link: `</v2/page/repo-00001/manifests/latest>; rel="next"` }) } });
      await expect(p.listRepositories()).rejects.toMatchObject({ kind: "bad_response", message: expect.stringContaining("another listing") });
    } finally {
      await p.close();
    }
  });

  it("bounds tag listings the same way, and the tag table says so", async () => {
    proxy.reset();
    const repo = repositories[0]!;
    const tagsPath = `/v2/${repo}/tags/list`;
    proxy.addRule({ path: tagsPath, action: { kind: "set-headers", headers: (_path, hit) => ({ link: `<${tagsPath}?n=100&last=t-${hit}>; rel="next"` }) } });
    const p = provider();
    const q = provider();
    try {
      const listing = await tagListing(p, repo, { maxPages: 7 });
      expect(listing.truncated).toMatchObject({ reason: "max-pages", pages: 7 });
      expect(proxy.requestsTo(tagsPath)).toHaveLength(7);
      const table = await tagTable(q, repo);
      expect(table.truncated?.reason).toBe("max-pages");
      expect(table.truncated?.message).toMatch(/^the registry kept returning more pages; showing the first \d+$/);
      expect(proxy.requestsTo(tagsPath)).toHaveLength(7 + UI_LISTING_LIMITS.maxPages);
    } finally {
      await p.close();
      await q.close();
    }
  });
});

describe("page-numbered JSON APIs (Harbor, Docker Hub) that never end", () => {
  let server: LoopbackListener;
  let requests = 0;
  let mode: "endless" | "same-page" | "foreign-link" = "endless";

  beforeAll(async () => {
    server = await listenOnLoopback(
      http.createServer((req, res) => {
        requests++;
        const url = new URL(req.url ?? "/", "http://x");
        const page = Number(url.searchParams.get("page"));
        const items = mode === "same-page" ? [{ id: 1 }, { id: 2 }] : [{ id: page * 2 }, { id: page * 2 + 1 }];
        const headers: Record<string, string> = { "content-type": "application/json", "x-total-count": "1000000000" };
        if (mode === "foreign-link") headers.link = `<http://169.254.169.254/latest/meta-data/?page=${page + 1}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify(items));
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it("fails an endless listing at its page limit instead of reading forever", async () => {
    mode = "endless";
    requests = 0;
    const api = createJsonApi({ url: server.url });
    try {
      const err = await allPages(api, { path: "/things", what: "things" }, { pageSize: 2 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "bad_response", message: expect.stringContaining(`registry ${server.host} kept returning more pages of things: stopped after 200 pages`) });
      expect(requests).toBe(200);
    } finally {
      await api.close();
    }
  });

  it("stops when a page repeats the previous one (the API ignores page=)", async () => {
    mode = "same-page";
    requests = 0;
    const api = createJsonApi({ url: server.url });
    try {
      await expect(allPages(api, { path: "/things", what: "things" }, { pageSize: 2 })).rejects.toMatchObject({ message: expect.stringContaining("returned the same page of things again") });
      expect(requests).toBe(2);
    } finally {
      await api.close();
    }
  });

  it("keeps no next link that points to another origin", async () => {
    mode = "foreign-link";
    const api = createJsonApi({ url: server.url });
    try {
      const res = await api.call({ path: "/things", query: { page: 1 }, what: "things" });
      expect(res.nextLink).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
