/**
 * Issue #3: browsing a large registry. A real docker-registry is filled with 10,000 repositories and
 * 100,000 tags (small manifests sharing one config and one layer, written straight into its storage
 * on /dev/shm), then:
 *  1. our client lists every repository and every tag (catalog pages, then tag lists with bounded
 *     concurrency), against two "curl-style" peers that make one request after another, each on a
 *     new connection: real `curl` in a shell script for a fixed sample, and a Node loop for the full set;
 *  2. the built app is started on that registry, signed in over HTTP, and the repository list and tag
 *     pages are timed (full response over loopback), ≥ 200 requests per scenario after a warm-up.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { startApp } from "../e2e/app-server";
import { createOciProvider, mapConcurrent } from "../lib/registry";
import { startRegistry, type RunningRegistry } from "../test/harness/registry";
import { bulkRepositoryName, bulkTagName } from "../test/harness/seed";
import { writeBulkStorage } from "../test/harness/storage-seed";
import { AppSession, buildApp } from "./app-session";
import { registryPid, withProcessCpu } from "./process-cpu";
import { log, markdownTable, ms, percentile, round, verdict, type BenchResult } from "./stats";

const REPOSITORIES = Number(process.env.BENCH_BROWSE_REPOS ?? 10_000);
const TAGS_PER_REPO = 10;
const CATALOG_PAGE = 1000;
// the browse layer's own fan-out (lib/browse/tags.ts); the other levels are measured too
const CONCURRENCY = 16;
const EXTRA_CONCURRENCY = [1, 4, 64];
const CURL_SAMPLE = 500;
const REQUESTS_PER_SCENARIO = 200;
const PAGE_TARGET_MS = 150;
const DIST_DIR = ".next-bench";
const ADMIN = { email: "bench@dockmaster.test", password: "bench admin password" };

const run = promisify(execFile);

interface Listing {
  ms: number;
  catalogMs: number;
  repositories: number;
  tags: number;
  /** CPU the registry process spent serving this listing */
  registryCpuMs?: number;
}

async function withRegistryCpu(registry: RunningRegistry, fn: () => Promise<Listing>): Promise<Listing> {
  const { result, cpuMs } = await withProcessCpu([registryPid(registry)], fn);
  return { ...result, registryCpuMs: cpuMs[0]! };
}

/** Our client, as the app uses it: catalog pages in order, then tag lists `concurrency` at a time. */
async function listWithClient(url: string, concurrency: number): Promise<Listing> {
  const p = createOciProvider({ name: "bench", url, auth: { kind: "anonymous" } });
  try {
    const started = performance.now();
    const repositories: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await p.listRepositories({ pageSize: CATALOG_PAGE, ...(cursor ? { cursor } : {}) });
      repositories.push(...page.items);
      cursor = page.next;
    } while (cursor);
    const catalogMs = performance.now() - started;
    const counts = await mapConcurrent(repositories, concurrency, async (repo) => {
      let n = 0;
      let next: string | undefined;
      do {
        const page = await p.listTags(repo, next ? { cursor: next } : {});
        n += page.items.length;
        next = page.next;
      } while (next);
      return n;
    });
    return { ms: performance.now() - started, catalogMs, repositories: repositories.length, tags: counts.reduce((a, b) => a + b, 0) };
  } finally {
    await p.close();
  }
}

/** One GET on a fresh connection (what each curl invocation does), body parsed as JSON. */
function getFresh(url: string): Promise<{ json: unknown; link?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`GET ${url}: ${res.statusCode}`));
          const link = [res.headers.link ?? []].flat().join(", ");
          resolve({ json: JSON.parse(Buffer.concat(chunks).toString("utf8")), ...(link ? { link } : {}) });
        });
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

function nextFromLink(link: string | undefined): string | undefined {
  return link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

/** The full-set peer: every request after the previous one, a new TCP connection each time. */
async function listSequentially(base: string): Promise<Listing> {
  const started = performance.now();
  const repositories: string[] = [];
  let next: string | undefined = `/v2/_catalog?n=${CATALOG_PAGE}`;
  while (next) {
    const { json, link } = await getFresh(new URL(next, base).toString());
    repositories.push(...((json as { repositories?: string[] }).repositories ?? []));
    next = nextFromLink(link);
  }
  const catalogMs = performance.now() - started;
  let tags = 0;
  for (const repo of repositories) {
    const { json } = await getFresh(`${base}/v2/${repo}/tags/list`);
    tags += ((json as { tags?: string[] }).tags ?? []).length;
  }
  return { ms: performance.now() - started, catalogMs, repositories: repositories.length, tags };
}

/** Real curl, from a shell script, for the catalog and a fixed sample of tag lists. */
async function listWithCurl(base: string, sample: string[]): Promise<{ catalogMs: number; tagsMs: number; repositories: number; tags: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockmaster-bench-curl-"));
  try {
    const sampleFile = path.join(dir, "sample.txt");
    fs.writeFileSync(sampleFile, `${sample.join("\n")}\n`);
    const { stdout } = await run("/bin/sh", [path.join(import.meta.dirname, "curl-listing.sh"), base, dir, sampleFile], { maxBuffer: 1 << 20 });
    const [catalogNs, tagsNs] = stdout.trim().split(/\s+/).map(Number);
    const lines = (file: string) => fs.readFileSync(path.join(dir, file), "utf8").split("\n").filter(Boolean);
    const repositories = lines("catalog.jsonl").reduce((n, l) => n + ((JSON.parse(l) as { repositories?: string[] }).repositories?.length ?? 0), 0);
    const tags = lines("tags.jsonl").reduce((n, l) => n + ((JSON.parse(l) as { tags?: string[] }).tags?.length ?? 0), 0);
    return { catalogMs: catalogNs! / 1e6, tagsMs: tagsNs! / 1e6, repositories, tags };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Scenario {
  name: string;
  /** what the page must contain for the response to count as a real page */
  marker: string;
  path: (i: number) => string;
}

interface ScenarioResult {
  name: string;
  requests: number;
  failures: number;
  p50: number;
  p95: number;
  max: number;
}

async function measureScenario(session: AppSession, s: Scenario): Promise<ScenarioResult> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < REQUESTS_PER_SCENARIO; i++) {
    const res = await session.timedGet(s.path(i));
    if (res.status !== 200 || !res.html.includes(s.marker)) failures++;
    times.push(res.ms);
  }
  return { name: s.name, requests: times.length, failures, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
}

const repoName = (i: number) => bulkRepositoryName("bulk", i);

async function measurePages(registry: RunningRegistry): Promise<{ buildMs: number; firstLoadMs: number; scenarios: ScenarioResult[] }> {
  const reuse = process.env.BENCH_REUSE_BUILD === "1" && fs.existsSync(path.join(DIST_DIR, "BUILD_ID"));
  const buildLog = path.join(os.tmpdir(), "dockmaster-bench-build.log");
  log(reuse ? `reusing the build in ${DIST_DIR}` : `building the app into ${DIST_DIR} (log: ${buildLog})`);
  const buildMs = reuse ? Number.NaN : await buildApp(DIST_DIR, buildLog);

  let appLog = "";
  const app = await startApp({
    configYaml: `registries:\n  - name: bulk\n    kind: oci\n    url: ${registry.url}\nenvironments:\n  - { name: bench, order: 1, registry: bulk, namespace: bulk }\n`,
    env: {
      DOCKMASTER_DIST_DIR: DIST_DIR,
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
      NEXTAUTH_SECRET: "bench-secret",
    },
    log: (line) => (appLog += `${line}\n`),
  });
  try {
    const session = new AppSession(app.url);
    await session.signIn(ADMIN.email, ADMIN.password);

    // First visit: the app reads the whole catalog from the registry (10 pages of 1,000).
    const first = await session.timedGet("/registries/bulk");
    // React separates text parts with <!-- --> in server-rendered HTML
    if (first.status !== 200 || !first.html.replace(/<!-- -->/g, "").includes(`${REPOSITORIES} repositories`)) {
      throw new Error(`first load of /registries/bulk failed: status ${first.status}\n${first.html.slice(0, 500)}\n${appLog.slice(-2000)}`);
    }
    const tagRepo = repoName(42);
    const tagVariants = ["", "?sort=created&dir=desc", "?group=1", "?sort=size"];
    for (const v of tagVariants) await session.timedGet(`/registries/bulk/repositories/${tagRepo}${v}`);
    const queries = ["repo-0", "repo-1234", "repo-09", "bulk/repo-005", "no-such-repository", "42"];
    const pages = Math.ceil(REPOSITORIES / 50);

    const scenarios: Scenario[] = [
      { name: "repository list, `?page=` spread over all pages", marker: 'data-testid="repo-list"', path: (i) => `/registries/bulk?page=${1 + ((i * 37) % pages)}` },
      { name: "repository search, 6 different `?q=` × pages 1–3", marker: 'data-testid="repo-total"', path: (i) => `/registries/bulk?q=${encodeURIComponent(queries[i % queries.length]!)}&page=${1 + (Math.floor(i / queries.length) % 3)}` },
      { name: "tag page of one repository (4 sort/group variants), warm", marker: `data-testid="tag-row-${bulkTagName(0)}"`, path: (i) => `/registries/bulk/repositories/${tagRepo}${tagVariants[i % tagVariants.length]}` },
      // every request a repository never shown before: tag list, 10 HEADs, 10 manifests + configs from the registry
      { name: "tag page of a different repository each time (cold: registry reads)", marker: `data-testid="tag-row-${bulkTagName(0)}"`, path: (i) => `/registries/bulk/repositories/${repoName(100 + ((i * 17) % (REPOSITORIES - 100)))}` },
    ];
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      log(`pages: ${s.name}`);
      results.push(await measureScenario(session, s));
    }
    return { buildMs, firstLoadMs: first.ms, scenarios: results };
  } finally {
    await app.stop();
  }
}

export async function benchBrowse(): Promise<BenchResult> {
  const registry = await startRegistry({ baseDir: "/dev/shm" });
  try {
    log(`seeding ${REPOSITORIES} repositories × ${TAGS_PER_REPO} tags into ${registry.dir}`);
    const seed = await writeBulkStorage(registry, {
      repositories: REPOSITORIES,
      tagsPerRepository: TAGS_PER_REPO,
      onProgress: (done, total) => done % 20_000 === 0 && log(`seeded ${done}/${total} tags`),
    });
    const expectedTags = REPOSITORIES * TAGS_PER_REPO;

    log(`listing with our client (concurrency ${CONCURRENCY}), 3 runs`);
    const ours: Listing[] = [];
    for (let i = 0; i < 3; i++) ours.push(await withRegistryCpu(registry, () => listWithClient(registry.url, CONCURRENCY)));
    const extra = new Map<number, Listing>();
    for (const c of EXTRA_CONCURRENCY) extra.set(c, await withRegistryCpu(registry, () => listWithClient(registry.url, c)));
    for (const l of [...ours, ...extra.values()]) {
      if (l.repositories !== REPOSITORIES || l.tags !== expectedTags) throw new Error(`our listing found ${l.repositories} repositories / ${l.tags} tags, expected ${REPOSITORIES} / ${expectedTags}`);
    }
    const best = [...ours].sort((a, b) => a.ms - b.ms);
    const oursMedian = best[1]!;

    log("listing sequentially, a new connection per request (full set)");
    const seq = await withRegistryCpu(registry, () => listSequentially(registry.url));
    if (seq.repositories !== REPOSITORIES || seq.tags !== expectedTags) throw new Error(`sequential listing found ${seq.repositories} / ${seq.tags}`);

    log(`listing with real curl: catalog + ${CURL_SAMPLE} tag lists`);
    const step = Math.floor(REPOSITORIES / CURL_SAMPLE);
    const sample = Array.from({ length: CURL_SAMPLE }, (_, i) => repoName(i * step));
    const curl = await listWithCurl(registry.url, sample);
    if (curl.repositories !== REPOSITORIES || curl.tags !== CURL_SAMPLE * TAGS_PER_REPO) throw new Error(`curl listing found ${curl.repositories} / ${curl.tags}`);
    const curlPerTagList = curl.tagsMs / CURL_SAMPLE;
    const curlExtrapolated = curl.catalogMs + curlPerTagList * REPOSITORIES;

    log("pages: build, start, sign in");
    const pages = await measurePages(registry);

    const cpu = (l: Listing) => (l.registryCpuMs !== undefined ? ms(l.registryCpuMs) : "—");
    const listTable = markdownTable(
      ["what", "ours", "peer", "ours / peer", "registry CPU (ours · peer)"],
      [
        [`list ${REPOSITORIES} repositories (${REPOSITORIES / CATALOG_PAGE} catalog pages)`, ms(oursMedian.catalogMs), `sequential loop: ${ms(seq.catalogMs)} · curl: ${ms(curl.catalogMs)}`, `${round(oursMedian.catalogMs / seq.catalogMs, 2)} · ${round(oursMedian.catalogMs / curl.catalogMs, 2)}`, "—"],
        [`list all repositories + ${expectedTags} tags, concurrency ${CONCURRENCY} (median of 3)`, ms(oursMedian.ms), `sequential loop, full set: ${ms(seq.ms)}`, round(oursMedian.ms / seq.ms, 3), `${cpu(oursMedian)} · ${cpu(seq)}`],
        [`same, vs real curl (catalog + ${CURL_SAMPLE} tag lists measured, ${ms(curlPerTagList)} per tag list, extrapolated to ${REPOSITORIES})`, ms(oursMedian.ms), `curl script: ${ms(curlExtrapolated)} (measured ${ms(curl.catalogMs + curl.tagsMs)} for the sample)`, round(oursMedian.ms / curlExtrapolated, 3), "—"],
        ...[...extra].map(([c, l]) => [`same, concurrency ${c}`, ms(l.ms), `sequential loop: ${ms(seq.ms)}`, round(l.ms / seq.ms, 3), `${cpu(l)} · ${cpu(seq)}`] as (string | number)[]),
      ],
    );
    const pageTable = markdownTable(
      ["page scenario", "requests", "failed", "p50", "p95", "max", "target p95", "verdict"],
      pages.scenarios.map((s) => [s.name, s.requests, s.failures, ms(s.p50), ms(s.p95), ms(s.max), `≤ ${PAGE_TARGET_MS} ms`, s.failures > 0 ? "FAIL" : verdict(s.p95, PAGE_TARGET_MS)]),
    );

    const figures: Record<string, number> = {
      seed_ms: seed.durationMs,
      list_all_ms: round(oursMedian.ms),
      list_catalog_ms: round(oursMedian.catalogMs),
      sequential_loop_ms: round(seq.ms),
      curl_sample_ms: round(curl.catalogMs + curl.tagsMs),
      curl_extrapolated_ms: round(curlExtrapolated),
      ratio_vs_sequential_loop: round(oursMedian.ms / seq.ms, 3),
      ratio_vs_curl: round(oursMedian.ms / curlExtrapolated, 3),
      registry_cpu_ms_ours: round(oursMedian.registryCpuMs ?? Number.NaN),
      registry_cpu_ms_sequential: round(seq.registryCpuMs ?? Number.NaN),
      first_page_load_ms: round(pages.firstLoadMs),
      build_ms: round(pages.buildMs),
    };
    for (const [c, l] of extra) figures[`list_all_ms_c${c}`] = round(l.ms);
    pages.scenarios.forEach((s, i) => {
      const key = ["repo_list", "repo_search", "tag_page_warm", "tag_page_cold"][i]!;
      figures[`${key}_p50_ms`] = round(s.p50);
      figures[`${key}_p95_ms`] = round(s.p95);
    });

    return {
      title: `Browsing ${REPOSITORIES.toLocaleString("en")} repositories / ${expectedTags.toLocaleString("en")} tags (issue #3)`,
      table: `${listTable}\n\n${pageTable}`,
      figures,
      notes: [
        `Registry: docker-registry (CNCF Distribution) on loopback, storage on /dev/shm, anonymous; ${REPOSITORIES} repositories × ${TAGS_PER_REPO} tags, ${seed.manifests} distinct small OCI manifests sharing one config and one 256-byte layer, written into its storage layout directly in ${ms(seed.durationMs)}.`,
        `Ours: lib/registry's OCI client (undici keep-alive pool, up to 16 sockets): catalog with n=${CATALOG_PAGE} following the Link header, then every repository's tag list with mapConcurrent(${CONCURRENCY}) (also measured with ${EXTRA_CONCURRENCY.join(", ")} in flight); every repository and tag counted and checked against what was seeded. A new client (cold pool) per run.`,
        `Where the time goes: docker-registry spends about ${ms((oursMedian.registryCpuMs ?? Number.NaN) / (REPOSITORIES + REPOSITORIES / CATALOG_PAGE))} of CPU per request, measured from /proc for the registry process. With 2 cores for the registry, the client and the rest of the machine, that CPU bounds every client: ours gains by keeping connections open and several requests in flight (the registry also spends less CPU per request then), and avoids the peers' connection set-up and, for curl, a process start per request.`,
        `Peer 1 (full set): a Node loop making the same ${REPOSITORIES / CATALOG_PAGE + REPOSITORIES} requests strictly one after another, each on a new TCP connection (http.get, agent: false) — what a shell script calling curl does, minus process start-up.`,
        `Peer 2 (sample): bench/curl-listing.sh run with /bin/sh: real \`curl -sSf\` per request, catalog pages followed by parsing the Link header with sed, then ${CURL_SAMPLE} tag lists (every ${step}th repository); the full-set figure is the catalog time plus the measured per-tag-list time × ${REPOSITORIES} (extrapolated, not run).`,
        `Pages: the production build (${DIST_DIR}) started with e2e/app-server.ts on its own PGlite data dir and a dockmaster.yaml declaring the registry and one environment; signed in through next-auth's credentials flow over HTTP; each request is sequential, timed from sending to the last byte of the HTML (server rendering + loopback), after a warm-up load of each page (first load of the repository list, which reads the whole catalog: ${ms(pages.firstLoadMs)}). A response counts as failed unless it is 200 and contains the page's list (repository pages) or the row of tag v0000 (tag pages).`,
        "Cached reads: the catalog and tag lists are cached for 30 s and refreshed in the background while the stale copy is served (lib/browse/cache.ts); manifests by digest until evicted. The cold tag-page scenario shows a page's cost when nothing about the repository is cached (1 tag list + 10 HEAD + 10 manifest + 10 config reads).",
      ],
    };
  } finally {
    await registry.stop();
  }
}
