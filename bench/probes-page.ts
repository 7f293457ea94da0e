/**
 * Issue #13: the Probes page renders in ≤ 500 ms server time. The built app is started on an
 * embedded database (PGlite, the default) seeded with a realistic history — 20 probe targets on 4
 * registries, one result a minute (the default interval) for 7 days, 1% failures, rolled up as the
 * app's maintenance job would — and GET /probes (the default 24-hour view) and /probes?range=7d are
 * timed through HTTP with a signed-in session, after a warm-up, to the last byte of the streamed HTML.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startApp } from "../e2e/app-server";
import { openDatabase } from "../lib/db/open";
import { rollupPending } from "../lib/probe/rollup";
import { AppSession, buildApp } from "./app-session";
import { log, markdownTable, ms, percentile, round, verdict, type BenchResult } from "./stats";

const TARGETS = 20;
const REGISTRIES = 4;
const DAYS = 7;
const INTERVAL_SECONDS = 60;
const WARMUP = 3;
const REQUESTS = 30;
const TARGET_MS = 500;
const DIST_DIR = ".next-bench";
const ADMIN = { email: "bench@dockmaster.test", password: "bench admin password" };

async function seed(dataDir: string, now: number): Promise<number> {
  const db = await openDatabase({ dataDir });
  try {
    const prisma = db.prisma;
    for (let g = 0; g < REGISTRIES; g++) await prisma.registry.create({ data: { name: `reg-${g}`, kind: "oci", url: `http://127.0.0.1:${5000 + g}` } });
    await prisma.probeTarget.createMany({
      data: Array.from({ length: TARGETS }, (_, i) => ({ name: `probe-${i}`, kind: "reachability", registryName: `reg-${i % REGISTRIES}`, params: {}, intervalSeconds: INTERVAL_SECONDS, timeoutMs: 5000 })),
    });
    const ids = (await prisma.probeTarget.findMany({ select: { id: true } })).map((t) => t.id);
    // generated inside the database: latencies around 10–30 ms with a slow tail, 1% timeouts
    await db.sql.query(
      `INSERT INTO "ProbeResult" ("targetId", "kind", "at", "scheduledAt", "ok", "latencyMs", "errorClass", "message")
       SELECT t.id, 'reachability', ts, ts, NOT f, CASE WHEN f THEN 5000 ELSE round((8 + exp(random() * 3) + CASE WHEN random() < 0.02 THEN random() * 800 ELSE 0 END)::numeric, 2)::float8 END,
              CASE WHEN f THEN 'timeout' END, CASE WHEN f THEN 'synthetic timeout' END
       FROM unnest($1::text[]) AS t(id),
            LATERAL (SELECT (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC') - make_interval(secs => g * $3::int) AS ts, random() < 0.01 AS f FROM generate_series(0, $4::int - 1) g) s`,
      [ids, now, INTERVAL_SECONDS, (DAYS * 86_400) / INTERVAL_SECONDS],
    );
    await rollupPending(prisma, now);
    await db.sql.exec("ANALYZE");
    return Number((await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "ProbeResult"`))[0]!.n);
  } finally {
    await db.close();
  }
}

interface Scenario {
  name: string;
  path: string;
}

export async function benchProbesPage(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dockmaster-bench-probes-page-"));
  try {
    const dataDir = path.join(dir, "pglite");
    log(`seeding ${TARGETS} targets × ${DAYS} days of results every ${INTERVAL_SECONDS} s into PGlite`);
    const seedStarted = performance.now();
    const rows = await seed(dataDir, Date.now());
    const seedMs = performance.now() - seedStarted;

    const reuse = process.env.BENCH_REUSE_BUILD === "1" && fs.existsSync(path.join(DIST_DIR, "BUILD_ID"));
    const buildLog = path.join(os.tmpdir(), "dockmaster-bench-build.log");
    log(reuse ? `reusing the build in ${DIST_DIR}` : `building the app into ${DIST_DIR} (log: ${buildLog})`);
    if (!reuse) await buildApp(DIST_DIR, buildLog);

    let appLog = "";
    const app = await startApp({
      configYaml: "registries: []\n",
      dataDir,
      env: {
        DOCKMASTER_DIST_DIR: DIST_DIR,
        DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
        DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
        NEXTAUTH_SECRET: "bench-secret",
        // the seeded probes point nowhere: measure the page, not probes running beside it
        DOCKMASTER_DISABLE_SCHEDULER: "1",
      },
      log: (line) => (appLog += `${line}\n`),
    });
    try {
      const session = new AppSession(app.url);
      await session.signIn(ADMIN.email, ADMIN.password);
      const scenarios: Scenario[] = [
        { name: "Probes page, default 24-hour view (exact percentiles from raw rows)", path: "/probes" },
        { name: "Probes page, 7-day view (hourly rollups)", path: "/probes?range=7d" },
      ];
      const results = [];
      for (const s of scenarios) {
        log(`timing ${s.path}`);
        for (let i = 0; i < WARMUP; i++) await session.timedGet(s.path);
        const times: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const res = await session.timedGet(s.path);
          // the streamed section must have arrived: the last probe's name is in the dashboard
          if (res.status !== 200 || !res.html.includes(`probe-${TARGETS - 1}`)) throw new Error(`GET ${s.path}: status ${res.status}\n${res.html.slice(0, 400)}\n${appLog.slice(-2000)}`);
          times.push(res.ms);
        }
        results.push({ ...s, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) });
      }
      return {
        title: "Probes page server time (issue #13)",
        table: markdownTable(
          ["page", "requests", "p50", "p95", "max", "target p95", "verdict"],
          results.map((r) => [`${r.name}, \`${r.path}\``, REQUESTS, ms(r.p50), ms(r.p95), ms(r.max), `≤ ${TARGET_MS} ms`, verdict(r.p95, TARGET_MS)]),
        ),
        figures: {
          probe_rows: rows,
          seed_ms: round(seedMs),
          probes_page_24h_p50_ms: round(results[0]!.p50),
          probes_page_24h_p95_ms: round(results[0]!.p95),
          probes_page_7d_p50_ms: round(results[1]!.p50),
          probes_page_7d_p95_ms: round(results[1]!.p95),
        },
        notes: [
          `History: ${TARGETS} reachability probes on ${REGISTRIES} registries, one result every ${INTERVAL_SECONDS} s for ${DAYS} days (${rows.toLocaleString("en")} rows, 1% failures), rolled up into hourly and 6-hourly buckets; seeded in ${ms(seedMs)}.`,
          `The production build (${DIST_DIR}) on that embedded database (PGlite, the default without DATABASE_URL), scheduler disabled; signed in over HTTP as an admin; ${WARMUP} warm-up requests, then ${REQUESTS} sequential requests per page, each timed from sending to the last byte of the streamed HTML (a response counts only with the dashboard in it). Nearest-rank percentiles.`,
        ],
      };
    } finally {
      await app.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
