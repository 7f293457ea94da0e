/**
 * Issue #4: promoting a large image between registries. A ~300 MiB image (6 layers of random, hence
 * incompressible, bytes) is pushed to docker-registry A; then, in alternating rounds, it is copied to
 * a fresh docker-registry B by our engine (planCopy + executeCopy in a child process, for its own
 * peak RSS) and by `skopeo copy`, each followed by a second copy of the same image to the same place
 * (the re-promotion case: every blob already there). All registries keep their storage on /dev/shm.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { createOciProvider } from "../lib/registry";
import { buildImage, randomLayer, type BuiltBlob } from "../test/harness/image-builder";
import { startRegistry, type RunningRegistry } from "../test/harness/registry";
import { registryPid, withProcessCpu } from "./process-cpu";
import { log, markdownTable, mb, median, ms, round, verdict, type BenchResult } from "./stats";

const LAYERS = 6;
const LAYER_BYTES = 50 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_COPY_ROUNDS ?? 5);
/** Where every registry keeps its storage: /dev/shm (default) or the disk (BENCH_COPY_STORAGE=disk, as in STACK-NOTES' baseline). */
const STORE_DIR = process.env.BENCH_COPY_STORAGE === "disk" ? os.tmpdir() : "/dev/shm";
const STORE_LABEL = STORE_DIR === "/dev/shm" ? "/dev/shm" : `disk (${STORE_DIR})`;
const RATIO_TARGET = 0.8;
const CORES = os.availableParallelism();
const RSS_TARGET_MB = 200;
const SOURCE_REPO = "bench/big";
const TAG = "1.0.0";

const run = promisify(execFile);

/** CPU the two registries spent while one tool ran (A serving, B receiving), from /proc. */
interface RegistryCpu {
  aCpuMs: number;
  bCpuMs: number;
}

interface OursRun extends RegistryCpu {
  planMs: number;
  transferMs: number;
  totalMs: number;
  /** spawn to exit, including Node + tsx start-up */
  processMs: number;
  digest: string;
  totals: { blobs: number; bytes: number; copy: number; skip: number; bytesToSend: number };
  bytesSent: number;
  copied: number;
  skipped: number;
  maxRssKb: number;
  /** maxRSS right after start-up and imports, before the copy */
  baselineRssKb: number;
  /** user + system CPU of the whole process, start-up included */
  cpuMs: number;
  /** user + system CPU from plan start to verified tag */
  copyCpuMs: number;
}

/** bench/pipe-child.ts: the leanest undici copy, a reference for what the stack itself costs */
interface PipeRun extends RegistryCpu {
  totalMs: number;
  copyCpuMs: number;
}

interface SkopeoRun extends RegistryCpu {
  wallMs: number;
  maxRssKb: number;
  cpuMs: number;
  /** digest the target reports for the tag afterwards */
  digest: string | undefined;
}

interface SourceImage {
  digest: string;
  bytes: number;
  /** the layers, also written to files (on /dev/shm) for the curl floor measurements */
  layers: { digest: string; size: number; file: string }[];
}

/** Builds and pushes the image one layer at a time, so the bench process never holds all of it. */
async function pushBigImage(registry: RunningRegistry, fileDir: string): Promise<SourceImage> {
  const p = createOciProvider({ name: "a", url: registry.url, auth: { kind: "anonymous" } });
  try {
    const layers: BuiltBlob[] = [];
    const diffIds: string[] = [];
    for (let i = 0; i < LAYERS; i++) {
      const { layer, diffId } = randomLayer("oci", LAYER_BYTES, `layer-${i}.bin`);
      await p.uploadBlob(SOURCE_REPO, layer.bytes);
      fs.writeFileSync(path.join(fileDir, `layer-${i}`), layer.bytes);
      layers.push({ ...layer, bytes: new Uint8Array(0) });
      diffIds.push(diffId);
    }
    const image = buildImage({ layers, diffIds });
    await p.uploadBlob(SOURCE_REPO, image.config.bytes);
    const { digest } = await p.putManifest(SOURCE_REPO, TAG, image.manifest.bytes, image.manifest.mediaType);
    return { digest, bytes: image.totalSize, layers: layers.map((l, i) => ({ digest: l.digest, size: l.size, file: path.join(fileDir, `layer-${i}`) })) };
  } finally {
    await p.close();
  }
}

/** Runs `fn` and adds the CPU registries A and B used meanwhile. */
async function withRegistryCpu<T>(a: RunningRegistry, b: RunningRegistry, fn: () => Promise<T>): Promise<T & RegistryCpu> {
  const { result, cpuMs } = await withProcessCpu([registryPid(a), registryPid(b)], fn);
  return { ...result, aCpuMs: cpuMs[0]!, bCpuMs: cpuMs[1]! };
}

async function oursOnce(src: RunningRegistry, digest: string, dst: RunningRegistry, dstRepo: string, legacy = false): Promise<OursRun> {
  return withRegistryCpu(src, dst, () => childOnce<Omit<OursRun, keyof RegistryCpu | "processMs">>("copy-child.ts", src, digest, dst, dstRepo, { BENCH_COPY_LEGACY: legacy ? "1" : "0" }));
}

async function pipeOnce(src: RunningRegistry, digest: string, dst: RunningRegistry, dstRepo: string): Promise<PipeRun> {
  return withRegistryCpu(src, dst, () => childOnce<Omit<PipeRun, keyof RegistryCpu>>("pipe-child.ts", src, digest, dst, dstRepo, {}));
}

/** Runs a bench/*-child.ts copier in its own Node process; returns its JSON line plus spawn-to-exit time. */
async function childOnce<T>(script: string, src: RunningRegistry, digest: string, dst: RunningRegistry, dstRepo: string, env: Record<string, string>): Promise<T & { processMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, script), src.url, SOURCE_REPO, digest, dst.url, dstRepo, TAG], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const code: number = await new Promise((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  const processMs = performance.now() - started;
  if (code !== 0) throw new Error(`${script} exited with ${code}:\n${stderr.slice(-3000)}`);
  return { ...(JSON.parse(stdout.trim().split("\n").at(-1)!) as T), processMs };
}

async function skopeoOnce(src: RunningRegistry, dst: RunningRegistry, dstRepo: string): Promise<SkopeoRun> {
  return withRegistryCpu(src, dst, () => skopeoCopy(src, dst, dstRepo));
}

async function skopeoCopy(src: RunningRegistry, dst: RunningRegistry, dstRepo: string): Promise<Omit<SkopeoRun, keyof RegistryCpu>> {
  const timeFile = path.join(os.tmpdir(), `dockmaster-bench-skopeo-${process.pid}.time`);
  const started = performance.now();
  await run("/usr/bin/time", [
    "-f", "%e %M %U %S", "-o", timeFile,
    "skopeo", "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
    `docker://${src.host}/${SOURCE_REPO}:${TAG}`, `docker://${dst.host}/${dstRepo}:${TAG}`,
  ]);
  const wallMs = performance.now() - started;
  const [, rss, user, sys] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/);
  fs.rmSync(timeFile, { force: true });
  const p = createOciProvider({ name: "b", url: dst.url, auth: { kind: "anonymous" } });
  try {
    return { wallMs, maxRssKb: Number(rss), cpuMs: (Number(user) + Number(sys)) * 1000, digest: (await p.headManifest(dstRepo, TAG))?.digest };
  } finally {
    await p.close();
  }
}

const rssMb = (kb: number) => (kb * 1024) / 1e6;

/** Runs one shell command line and returns its wall time. */
async function timedShell(script: string): Promise<number> {
  const started = performance.now();
  await run("/bin/sh", ["-c", script], { maxBuffer: 1 << 20 });
  return performance.now() - started;
}

/**
 * What the registries themselves can do, with curl doing the least possible work: registry A
 * serving the 6 layers at once (to /dev/null), and a fresh registry B receiving them at once
 * (`curl -T` of files on /dev/shm, one monolithic PUT each). No copier can beat B's figure.
 */
async function registryFloors(a: RunningRegistry, source: SourceImage): Promise<{ serveMs: number; ingestMs: number }> {
  const serveMs = await timedShell(`${source.layers.map((l) => `curl -sSf -o /dev/null '${a.url}/v2/${SOURCE_REPO}/blobs/${l.digest}' &`).join(" ")} wait`);
  const b = await startRegistry({ baseDir: STORE_DIR });
  const p = createOciProvider({ name: "b", url: b.url, auth: { kind: "anonymous" } });
  try {
    const sessions = await Promise.all(
      source.layers.map(async (l) => {
        const res = await fetch(`${b.url}/v2/floor/blobs/uploads/`, { method: "POST" });
        const url = new URL(res.headers.get("location")!, b.url);
        url.searchParams.set("digest", l.digest);
        return { file: l.file, url: url.toString() };
      }),
    );
    const ingestMs = await timedShell(`${sessions.map((x) => `curl -sSf -o /dev/null -H 'Content-Type: application/octet-stream' -T '${x.file}' '${x.url}' &`).join(" ")} wait`);
    for (const l of source.layers) if (!(await p.headBlob("floor", l.digest))) throw new Error(`floor upload of ${l.digest} did not arrive`);
    return { serveMs, ingestMs };
  } finally {
    await p.close();
    await b.stop();
  }
}

export async function benchCopy(): Promise<BenchResult> {
  const a = await startRegistry({ baseDir: STORE_DIR });
  const fileDir = fs.mkdtempSync(path.join(STORE_DIR, "dockmaster-bench-layers-"));
  try {
    log(`building and pushing ${LAYERS} × ${mb(LAYER_BYTES)} random layers to ${a.host}`);
    const source = await pushBigImage(a, fileDir);
    const floors: { serveMs: number; ingestMs: number }[] = [];
    const ours: OursRun[] = [];
    const oursAgain: OursRun[] = [];
    const skopeo: SkopeoRun[] = [];
    const skopeoAgain: SkopeoRun[] = [];
    const legacy: OursRun[] = [];
    const pipe: PipeRun[] = [];

    const roundOurs = async (i: number) => {
      const b = await startRegistry({ baseDir: STORE_DIR });
      try {
        const repo = `prod/ours-${i}`;
        const full = await oursOnce(a, source.digest, b, repo);
        if (full.digest !== source.digest || full.copied !== full.totals.blobs || full.bytesSent !== full.totals.bytes) {
          throw new Error(`our copy did not transfer everything: ${JSON.stringify(full)}`);
        }
        ours.push(full);
        oursAgain.push(await oursOnce(a, source.digest, b, repo));
        log(`round ${i}: ours ${ms(full.totalMs)} (process ${ms(full.processMs)}, ${round(rssMb(full.maxRssKb))} MB), again ${ms(oursAgain.at(-1)!.totalMs)}`);
      } finally {
        await b.stop();
      }
      const b2 = await startRegistry({ baseDir: STORE_DIR });
      try {
        legacy.push(await oursOnce(a, source.digest, b2, `prod/legacy-${i}`, true));
      } finally {
        await b2.stop();
      }
      const b3 = await startRegistry({ baseDir: STORE_DIR });
      try {
        pipe.push(await pipeOnce(a, source.digest, b3, `prod/pipe-${i}`));
        log(`round ${i}: bare undici pipe ${ms(pipe.at(-1)!.totalMs)}`);
      } finally {
        await b3.stop();
      }
    };
    const roundSkopeo = async (i: number) => {
      const b = await startRegistry({ baseDir: STORE_DIR });
      try {
        const repo = `prod/skopeo-${i}`;
        skopeo.push(await skopeoOnce(a, b, repo));
        skopeoAgain.push(await skopeoOnce(a, b, repo));
        log(`round ${i}: skopeo ${ms(skopeo.at(-1)!.wallMs)} (${round(rssMb(skopeo.at(-1)!.maxRssKb))} MB), again ${ms(skopeoAgain.at(-1)!.wallMs)}`);
      } finally {
        await b.stop();
      }
    };
    for (let i = 0; i < ROUNDS; i++) {
      // alternate who goes first, so a slow moment of the shared machine does not always hit the same side
      if (i % 2 === 0) {
        await roundOurs(i);
        await roundSkopeo(i);
      } else {
        await roundSkopeo(i);
        await roundOurs(i);
      }
      floors.push(await registryFloors(a, source));
      log(`round ${i}: registry floors: A serves in ${ms(floors.at(-1)!.serveMs)}, B ingests in ${ms(floors.at(-1)!.ingestMs)}`);
    }

    const oursMs = median(ours.map((r) => r.totalMs));
    const oursProcessMs = median(ours.map((r) => r.processMs));
    const skopeoMs = median(skopeo.map((r) => r.wallMs));
    const ratio = oursMs / skopeoMs;
    const peakRss = Math.max(...ours.map((r) => r.maxRssKb), ...oursAgain.map((r) => r.maxRssKb));
    const skopeoRss = Math.max(...skopeo.map((r) => r.maxRssKb));
    const againMs = median(oursAgain.map((r) => r.totalMs));
    const skopeoAgainMs = median(skopeoAgain.map((r) => r.wallMs));
    const againBytes = Math.max(...oursAgain.map((r) => r.bytesSent));
    const againAllSkipped = oursAgain.every((r) => r.skipped === r.totals.blobs && r.totals.bytesToSend === 0);
    const skopeoDigestKept = skopeo.every((r) => r.digest === source.digest);
    const perRound = (xs: { totalMs?: number; wallMs?: number }[]) => xs.map((r) => ms(r.totalMs ?? r.wallMs ?? Number.NaN)).join(", ");
    const pairedRatios = ours.map((r, i) => r.totalMs / skopeo[i]!.wallMs);
    const legacyMs = median(legacy.map((r) => r.totalMs));
    for (const r of legacy) if (r.digest !== source.digest || r.bytesSent !== r.totals.bytes) throw new Error(`the previous-settings copy did not transfer everything: ${JSON.stringify(r)}`);
    const ingestMs = median(floors.map((f) => f.ingestMs));
    const serveMs = median(floors.map((f) => f.serveMs));
    const baselineRss = Math.max(...ours.map((r) => r.baselineRssKb));
    const oursCpu = median(ours.map((r) => r.cpuMs));
    const skopeoCpu = median(skopeo.map((r) => r.cpuMs));
    const pipeMs = median(pipe.map((r) => r.totalMs));
    const pipePaired = pipe.map((r, i) => r.totalMs / skopeo[i]!.wallMs);
    // Where the machine's CPU went during each tool's copy: the copier itself, registry A serving, registry B receiving.
    const budget = (runs: { copier: number; aCpuMs: number; bCpuMs: number }[]) => {
      const copier = median(runs.map((r) => r.copier));
      const registries = median(runs.map((r) => r.aCpuMs + r.bCpuMs));
      return { copier, a: median(runs.map((r) => r.aCpuMs)), b: median(runs.map((r) => r.bCpuMs)), registries, bound: (copier + registries) / CORES };
    };
    const oursBudget = budget(ours.map((r) => ({ ...r, copier: r.copyCpuMs })));
    const skopeoBudget = budget(skopeo.map((r) => ({ ...r, copier: r.cpuMs })));
    const pipeBudget = budget(pipe.map((r) => ({ ...r, copier: r.copyCpuMs })));
    // With every core busy, wall time ≥ (copier + registries CPU) / cores; to finish in 0.8 × skopeo's
    // time a copier may therefore use at most this much CPU, given what the registries need.
    const copierCpuAllowed = CORES * RATIO_TARGET * skopeoMs - oursBudget.registries;
    const cpuCell = (x: ReturnType<typeof budget>) => `${ms(x.copier)} + ${ms(x.a)} + ${ms(x.b)}`;

    const table = markdownTable(
      ["what", "ours", "skopeo copy", "ours / skopeo", "target", "verdict"],
      [
        [`full copy A → fresh B, ${mb(source.bytes)} (median of ${ROUNDS}; rounds: ours ${perRound(ours)} · skopeo ${perRound(skopeo)})`, ms(oursMs), ms(skopeoMs), round(ratio, 2), `≤ ${RATIO_TARGET}`, verdict(ratio, RATIO_TARGET)],
        [`same, paired per round (ours / skopeo of the same round: ${pairedRatios.map((r) => round(r, 2)).join(", ")}; median)`, "—", "—", round(median(pairedRatios), 2), `≤ ${RATIO_TARGET}`, verdict(median(pairedRatios), RATIO_TARGET)],
        ["same, ours counted from process spawn to exit (Node + tsx start-up included)", ms(oursProcessMs), ms(skopeoMs), round(oursProcessMs / skopeoMs, 2), "—", "info"],
        [`reference: the leanest copy Node + undici can make (bench/pipe-child.ts: each GET body handed as-is to its PUT, 6 at a time; no hashing, no checks of any kind; rounds: ${perRound(pipe)}; paired ratios ${pipePaired.map((r) => round(r, 2)).join(", ")})`, ms(pipeMs), ms(skopeoMs), round(pipeMs / skopeoMs, 2), "—", "info"],
        [`CPU during the copy, median: copier + registry A (serving) + registry B (receiving); the bare pipe: ${cpuCell(pipeBudget)}`, cpuCell(oursBudget), cpuCell(skopeoBudget), "—", "—", "info"],
        [`least wall time ${CORES} busy cores allow: (copier + A + B CPU) / ${CORES}; the bare pipe: ${ms(pipeBudget.bound)}`, ms(oursBudget.bound), ms(skopeoBudget.bound), round(oursBudget.bound / skopeoBudget.bound, 2), "—", "info"],
        [`copier CPU that would allow ≤ ${RATIO_TARGET} × skopeo here: ${CORES} × ${RATIO_TARGET} × ${ms(skopeoMs)} − registries' ${ms(oursBudget.registries)}; the bare pipe uses ${ms(pipeBudget.copier)}`, ms(oursBudget.copier), "—", "—", `≤ ${ms(copierCpuAllowed)}`, verdict(oursBudget.copier, copierCpuAllowed)],
        [`ours with the engine's settings before issue #4 (8 MiB PATCH chunks, 4 blobs at a time; rounds: ${perRound(legacy)}), to another fresh registry`, ms(legacyMs), ms(skopeoMs), round(legacyMs / skopeoMs, 2), "—", "info"],
        [`floor: fresh registry B ingesting the 6 layers from curl (\`curl -T\` × 6 in parallel, median; rounds: ${floors.map((f) => ms(f.ingestMs)).join(", ")})`, ms(ingestMs), ms(ingestMs), round(oursMs / ingestMs, 2) + " (ours / floor)", "—", "info"],
        [`floor: registry A serving the 6 layers to curl → /dev/null (median)`, ms(serveMs), ms(serveMs), "—", "—", "info"],
        [`CPU time of the copying process (user + system, median; ours includes ~${ms(median(ours.map((r) => r.processMs - r.totalMs)))} of Node + tsx start-up)`, ms(oursCpu), ms(skopeoCpu), round(oursCpu / skopeoCpu, 2), "—", "info"],
        [`peak RSS of the copying process (max over all runs; ours ${round(rssMb(baselineRss))} MB of it before the copy starts: Node, tsx, modules)`, `${round(rssMb(peakRss))} MB`, `${round(rssMb(skopeoRss))} MB`, round(peakRss / skopeoRss, 2), `≤ ${RSS_TARGET_MB} MB`, verdict(rssMb(peakRss), RSS_TARGET_MB)],
        ["re-promotion (every blob already in B): blob bytes sent", `${againBytes} B`, "—", "—", "0 B", againBytes === 0 && againAllSkipped ? "PASS" : "FAIL"],
        [`re-promotion time (median; ours ${perRound(oursAgain)} · skopeo ${perRound(skopeoAgain)})`, ms(againMs), ms(skopeoAgainMs), round(againMs / skopeoAgainMs, 2), "—", "info"],
      ],
    );
    const first = ours[0]!;
    return {
      title: `Copying a ${mb(source.bytes)} image between registries (issue #4)`,
      table,
      figures: {
        image_bytes: source.bytes,
        ours_ms: round(oursMs),
        ours_process_ms: round(oursProcessMs),
        ours_plan_ms: round(median(ours.map((r) => r.planMs))),
        skopeo_ms: round(skopeoMs),
        ratio_ours_skopeo: round(ratio, 3),
        ratio_paired_median: round(median(pairedRatios), 3),
        pipe_ms: round(pipeMs),
        ratio_pipe_skopeo: round(pipeMs / skopeoMs, 3),
        ours_copy_cpu_ms: round(oursBudget.copier),
        pipe_copy_cpu_ms: round(pipeBudget.copier),
        registries_cpu_ms_ours: round(oursBudget.registries),
        registries_cpu_ms_skopeo: round(skopeoBudget.registries),
        registries_cpu_ms_pipe: round(pipeBudget.registries),
        copier_cpu_allowed_ms: round(copierCpuAllowed),
        ours_previous_settings_ms: round(legacyMs),
        ours_peak_rss_mb: round(rssMb(peakRss)),
        ours_baseline_rss_mb: round(rssMb(baselineRss)),
        ours_cpu_ms: round(oursCpu),
        skopeo_cpu_ms: round(skopeoCpu),
        floor_ingest_ms: round(ingestMs),
        floor_serve_ms: round(serveMs),
        ratio_ours_floor: round(oursMs / ingestMs, 3),
        skopeo_over_floor: round(skopeoMs / ingestMs, 3),
        skopeo_peak_rss_mb: round(rssMb(skopeoRss)),
        repromote_ours_ms: round(againMs),
        repromote_skopeo_ms: round(skopeoAgainMs),
        repromote_bytes_sent: againBytes,
      },
      notes: [
        `Image: OCI manifest, ${LAYERS} layers of ${mb(LAYER_BYTES)} random bytes (gzip'd tar, incompressible) + config, ${first.totals.blobs} blobs, ${source.bytes} bytes, pushed to docker-registry A. Every registry: docker-registry (CNCF Distribution) on loopback, anonymous, storage on ${STORE_LABEL}.`,
        `Each round copies to a fresh docker-registry B for each tool (so neither finds a blob already there), ${ROUNDS} rounds, the tool going first alternating between rounds.`,
        "Ours: bench/copy-child.ts in its own Node process: planCopy (manifest read, HEAD of every blob in the target) then executeCopy (blobs streamed from A to B with digest verification, manifest pushed, tag set, tag read back and verified); time measured inside the process from plan start to verified tag; peak RSS = process.resourceUsage().maxRSS of that process at the end (Node runtime, tsx loader and the modules included; the child imports the OCI provider and the copy engine only, not the Harbor/ECR/Hub SDKs); CPU = its user + system time, start-up included. Blobs go 6 at a time (executeCopy's default), each as one streamed `PUT ?digest=`.",
        "skopeo: `skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false docker://A/… docker://B/…` under GNU time (`/usr/bin/time -f \"%e %M %U %S\"`): wall time from spawn to exit as seen by the bench, peak RSS = GNU time's maximum resident set size, CPU = user + system. skopeo's own blob-info cache (/var/lib/containers/cache) is left as it is; the fresh target registry per round means it has nothing to mount from.",
        `skopeo kept the manifest digest: ${skopeoDigestKept ? "yes" : "NO (it rewrote the manifest)"}; ours verifies the digest by reading the tag back.`,
        "Re-promotion: the same copy run again to the same B repository: ours plans every blob as `skip` (one HEAD each), pushes the manifest and tag again and verifies; skopeo likewise finds every blob present.",
        "Floors (each round, after both tools): what the two registries can do with curl doing almost nothing: A serving the 6 layers at once to /dev/null, and a fresh B receiving them at once from `curl -T` of files on /dev/shm (one monolithic PUT each, B hashing and storing as it must). A copy needs both, through one process, so no copier can finish faster than B's ingest; the table shows how far above that floor each tool is.",
        "Bare pipe (each round, on its own fresh B): bench/pipe-child.ts hands each blob's undici GET body straight to the undici PUT that uploads it, 6 blobs at a time, then puts the manifest. It hashes nothing and checks nothing, so it is not a copier anyone should run; it is what moving the bytes through Node and undici costs before any of the work a promotion must do (source digest verification, size and progress accounting, stall detection, tag read-back).",
        `CPU accounting: the copier's own CPU (ours and the bare pipe: process.cpuUsage() from the start of the copy to its end, start-up excluded; skopeo: GNU time's user + system, start-up included), and the CPU registries A and B used meanwhile (utime + stime of each docker-registry process from /proc, 10 ms resolution). The machine has ${CORES} cores; when the sum exceeds ${CORES} × the wall time the copy was CPU-bound, and (sum / ${CORES}) is the least wall time any tool spending that CPU can reach. The registries' share is fixed by the registries (B hashes and stores 300 MiB whoever sends it), so it sets how much CPU a copier may spend to reach the target.`,
        "The machine is shared (see its load average above): every figure here moves by ±30 % from one round to the next, which is why the rounds alternate and medians are reported, per-round figures listed, and the paired per-round ratio shown beside the ratio of medians.",
      ],
    };
  } finally {
    await a.stop();
    fs.rmSync(fileDir, { recursive: true, force: true });
  }
}
