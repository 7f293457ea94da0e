/**
 * Catalog and tag pagination with small page sizes. The catalog runs against the real registry (through
 * the recording proxy, to prove the Link target is requested verbatim). Distribution 2.8 ignores `n`
 * for tags, so tag pagination is exercised against a scripted server with Link headers, and the real
 * registry's one-page answer is asserted as what it is.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../../lib/registry/errors";
import { createOciProvider, type OciProvider } from "../../lib/registry/oci/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { bulkTagName, seedBulk } from "../harness/seed";

const REPOS = 23;
const TAGS = 4;

describe("catalog pagination against Distribution 2.8", () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let provider: OciProvider;
  let repositories: string[];

  beforeAll(async () => {
    registry = await startRegistry();
    const seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    const result = await seedBulk(seeder, { repositories: REPOS, tagsPerRepository: TAGS, concurrency: 8, namespace: "page" });
    repositories = result.repositories;
    await seeder.close();
    proxy = await startFaultProxy(registry.url);
    provider = createOciProvider({ name: "paged", url: proxy.url, auth: { kind: "anonymous" } });
  });
  afterAll(async () => {
    await provider?.close();
    await proxy?.stop();
    await registry?.stop();
  });

  it("walks all repositories 5 at a time, requesting each Link target exactly", async () => {
    proxy.reset();
    const pages: string[][] = [];
    const cursors: string[] = [];
    let page = await provider.listRepositories({ pageSize: 5 });
    pages.push(page.items);
    while (page.next) {
      cursors.push(page.next);
      page = await provider.listRepositories({ cursor: page.next });
      pages.push(page.items);
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual([...repositories].sort());

    const requested = proxy.requestsTo("/v2/_catalog").map((r) => r.path);
    expect(requested[0]).toBe("/v2/_catalog?n=5");
    expect(requested.slice(1)).toEqual(cursors.map((c) => new URL(c).pathname + new URL(c).search));
    expect(cursors[0]).toBe(`${proxy.url}/v2/_catalog?last=page%2Frepo-00004&n=5`);
  });

  it("starts after a given name", async () => {
    const page = await provider.listRepositories({ pageSize: 3, last: repositories[10] });
    expect(page.items).toEqual(repositories.slice(11, 14));
    expect(page.next).toBeDefined();
  });

  it("returns every tag in one page because Distribution 2.8 ignores n for tags", async () => {
    const page = await provider.listTags(repositories[3] as string, { pageSize: 2 });
    expect([...page.items].sort()).toEqual(Array.from({ length: TAGS }, (_, j) => bulkTagName(j)));
    expect(page.next).toBeUndefined();
  });

  it("refuses cursors that point elsewhere", async () => {
    await expect(provider.listRepositories({ cursor: "http://evil.example/v2/_catalog?n=5" })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(provider.listRepositories({ cursor: `${proxy.url}/v2/other/tags/list?n=5` })).rejects.toThrow(/does not belong to/);
    await expect(provider.listRepositories({ cursor: "not a url" })).rejects.toThrow(/not a URL/);
    await expect(provider.listTags("page/repo-00001", { cursor: `${proxy.url}/v2/_catalog?n=5` })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(provider.listRepositories({ pageSize: 0 })).rejects.toThrow(/positive integer/);
  });
});

describe("tag pagination against a registry that honours n", () => {
  const allTags = Array.from({ length: 7 }, (_, i) => `t${i}`);
  const requests: string[] = [];
  let listener: LoopbackListener;
  let base: string;
  let provider: OciProvider;

  beforeAll(async () => {
    // Pages of 3 with opaque cursors, alternating absolute and relative Link targets, the way
    // registries other than Distribution paginate: a client that built `last=` itself would fail here.
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", base);
      requests.push(url.pathname + url.search);
      if (url.pathname === "/v2/") return res.writeHead(200).end("{}");
      if (url.pathname !== "/v2/team/app/tags/list") return res.writeHead(404).end();
      const n = Number(url.searchParams.get("n") ?? "100");
      const start = url.searchParams.has("cursor") ? Number(Buffer.from(url.searchParams.get("cursor") ?? "", "base64url").toString()) : 0;
      const items = allTags.slice(start, start + n);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (start + n < allTags.length) {
        const cursor = Buffer.from(String(start + n)).toString("base64url");
        const target = `/v2/team/app/tags/list?cursor=${cursor}&n=${n}`;
        headers.link = start === 0 ? `<${base}${target}>; rel="next"` : `<${target}>; rel="next"`;
      }
      res.writeHead(200, headers).end(JSON.stringify({ name: "team/app", tags: items }));
    });
    listener = await listenOnLoopback(server);
    base = listener.url;
    provider = createOciProvider({ name: "stub", url: base, auth: { kind: "anonymous" } });
  });
  afterAll(async () => {
    await provider?.close();
    await listener.close();
  });

  it("follows absolute and relative Link targets verbatim until there is no next", async () => {
    const pages: string[][] = [];
    let page = await provider.listTags("team/app", { pageSize: 3 });
    pages.push(page.items);
    while (page.next) {
      page = await provider.listTags("team/app", { cursor: page.next });
      pages.push(page.items);
    }
    expect(pages).toEqual([["t0", "t1", "t2"], ["t3", "t4", "t5"], ["t6"]]);
    expect(requests.filter((r) => r.includes("tags/list"))).toEqual([
      "/v2/team/app/tags/list?n=3",
      `/v2/team/app/tags/list?cursor=${Buffer.from("3").toString("base64url")}&n=3`,
      `/v2/team/app/tags/list?cursor=${Buffer.from("6").toString("base64url")}&n=3`,
    ]);
  });
});
