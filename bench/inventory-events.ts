/**
 * Issue #11, "event → visible in search p95 ≤ 1 s with 50 pushes/s arriving": a real docker-registry
 * whose `notifications:` endpoint is an in-process receiver handing each envelope to
 * receiveRegistryEvents exactly as the route does (as test/inventory/events.test.ts wires it), with the
 * re-read queue running behind it as in the app. The registry is configured as the README advises: pull
 * events ignored (they change no tag, and would queue ahead of pushes). Pushes arrive at a steady rate, each a manifest PUT of
 * a new tag into one of REPOSITORIES repositories (blobs pushed beforehand, as a CI job's final
 * step is the manifest); latency runs from the start of the PUT until the tag is in the index (one
 * poller, every POLL_MS, one query for all pending tags), and every tag is then checked through
 * searchIndex itself.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import type { PrismaClient } from "../lib/db/generated/client";
import { receiveRegistryEvents } from "../lib/inventory/index/events/receive";
import { createRereadQueue } from "../lib/inventory/index/reread-queue";
import { searchIndex } from "../lib/inventory/index/search";
import { createOciProvider } from "../lib/registry";
import { readBody } from "../test/harness/http-util";
import { buildImage } from "../test/harness/image-builder";
import { listenOnLoopback } from "../test/harness/loopback-server";
import { startRegistry } from "../test/harness/registry";
import { pushImage } from "../test/harness/seed";
import { percentile } from "./stats";

const SECRET = "bench-events-secret";
const REPOSITORIES = 50;
const POLL_MS = 20;
const SETTLE_MS = 10_000;

export interface EventLatency {
  pushes: number;
  ratePerSecond: number;
  p50: number;
  p95: number;
  max: number;
  /** tags never seen in the index within SETTLE_MS of the last push */
  missing: number;
  /** tags found in the index but not returned by searchIndex */
  notSearchable: number;
}

export async function benchEventLatency(prisma: PrismaClient, o: { ratePerSecond: number; seconds: number; environment: string }): Promise<EventLatency> {
  const registryName = `events-${o.environment}`;
  const namespace = "evt";
  const env = { BENCH_EVENTS_SECRET: SECRET };
  const queue = createRereadQueue(async () => prisma);
  const endpoint = await listenOnLoopback(
    http.createServer(async (req, res) => {
      const body = (await readBody(req)).toString("utf8");
      const out = await receiveRegistryEvents(prisma, { registry: registryName, authorization: req.headers.authorization ?? null, token: null, body }, { env, reread: (r) => queue.enqueue(r) });
      res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
    }),
  );
  const registry = await startRegistry({ baseDir: "/dev/shm", notifications: { url: `${endpoint.url}/api/v1/events/${registryName}`, headers: { Authorization: `Bearer ${SECRET}` }, ignoreActions: ["pull"] } });
  const seeder = createOciProvider({ name: "events-seed", url: registry.url, auth: { kind: "anonymous" } });
  try {
    const reg = await prisma.registry.create({ data: { name: registryName, kind: "oci", url: registry.url, options: { eventsSecretEnv: "BENCH_EVENTS_SECRET" } } });
    await prisma.environment.create({ data: { name: o.environment, order: 99, registryId: reg.id, namespace } });
    const repo = (i: number) => `${namespace}/svc-${i % REPOSITORIES}`;
    const images = Array.from({ length: REPOSITORIES }, () => buildImage({ layerSize: 64 }));
    // blobs and a first tag per repository, so each measured push is the manifest PUT alone
    for (let i = 0; i < REPOSITORIES; i++) await pushImage(seeder, repo(i), images[i]!, "base");
    await queue.drained();

    const total = Math.round(o.ratePerSecond * o.seconds);
    const pending = new Map<string, { repository: string; tag: string; startedAt: number }>();
    const latencies: number[] = [];
    const seen: { repository: string; tag: string }[] = [];
    let pushing = true;
    const poller = (async () => {
      while (pushing || pending.size) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (!pending.size) continue;
        const list = [...pending.values()];
        const rows = await prisma.$queryRawUnsafe<{ repository: string; tag: string }[]>(
          `SELECT "repository", "tag" FROM "InventoryTag" AS x JOIN unnest($2::text[], $3::text[]) AS p(r, t) ON x."repository" = p.r AND x."tag" = p.t WHERE x."environment" = $1`,
          o.environment, list.map((p) => p.repository), list.map((p) => p.tag),
        );
        const now = performance.now();
        for (const r of rows) {
          const key = `${r.repository}:${r.tag}`;
          const p = pending.get(key);
          if (!p) continue;
          latencies.push(now - p.startedAt);
          seen.push(r);
          pending.delete(key);
        }
      }
    })();

    const started = performance.now();
    const puts: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / o.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const repository = repo(i);
      const tag = `p${i}x`; // unique as a prefix too, so the search below finds exactly this tag
      const image = images[i % REPOSITORIES]!;
      pending.set(`${repository}:${tag}`, { repository, tag, startedAt: performance.now() });
      puts.push(seeder.putManifest(repository, tag, image.manifest.bytes, image.manifest.mediaType));
    }
    await Promise.all(puts);
    const rate = total / ((performance.now() - started) / 1000);
    const deadline = performance.now() + SETTLE_MS;
    while (pending.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const missing = pending.size;
    pending.clear();
    pushing = false;
    await poller;
    await queue.drained();

    let notSearchable = 0;
    for (const s of seen) {
      const hits = await searchIndex(prisma, "all", `${s.repository}:${s.tag}`, 50);
      if (!hits.tags.some((h) => h.environment === o.environment && h.repository === s.repository && h.tag === s.tag)) notSearchable++;
    }
    return { pushes: total, ratePerSecond: rate, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), missing, notSearchable };
  } finally {
    await seeder.close();
    await registry.stop();
    await endpoint.close();
  }
}
