/**
 * One copy with our engine, alone in its own process so that its peak RSS is its own.
 * Usage: node --import tsx bench/copy-child.ts SRC_URL SRC_REPO DIGEST DST_URL DST_REPO TAG
 * Prints one JSON line: timings (plan, transfer, total), what was planned and sent, and maxRSS.
 */
import { performance } from "node:perf_hooks";
// only the OCI provider and the copy engine: the other providers' SDKs are not part of a copy's footprint
import { executeCopy, planCopy } from "../lib/registry/copy";
import { createOciProvider } from "../lib/registry/oci/provider";

async function main() {
  const [srcUrl, srcRepo, digest, dstUrl, dstRepo, tag] = process.argv.slice(2);
  if (!srcUrl || !srcRepo || !digest || !dstUrl || !dstRepo || !tag) throw new Error("usage: copy-child.ts SRC_URL SRC_REPO DIGEST DST_URL DST_REPO TAG");
  const baselineRssKb = process.resourceUsage().maxRSS;
  const src = createOciProvider({ name: "source", url: srcUrl, auth: { kind: "anonymous" } });
  const dst = createOciProvider({ name: "target", url: dstUrl, auth: { kind: "anonymous" } });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const plan = await planCopy(src, srcRepo, digest, dst, dstRepo);
  const planned = performance.now();
  // BENCH_COPY_LEGACY=1: the engine's settings before issue #4 (8 MiB PATCH chunks, 4 blobs at a time)
  const options = process.env.BENCH_COPY_LEGACY === "1" ? { chunkSize: 8 * 1024 * 1024, concurrency: 4 } : {};
  const result = await executeCopy(src, dst, plan, tag, options);
  const finished = performance.now();
  const copyCpu = process.cpuUsage(cpuBefore);
  await Promise.all([src.close(), dst.close()]);
  const out = {
    planMs: planned - started,
    transferMs: finished - planned,
    totalMs: finished - started,
    digest: result.digest,
    totals: plan.totals,
    bytesSent: result.progress.bytesSent,
    copied: result.progress.copied,
    skipped: result.progress.skipped,
    // kilobytes (KiB) on Linux
    maxRssKb: process.resourceUsage().maxRSS,
    baselineRssKb,
    // user + system CPU from plan start to verified tag, the figure comparable with the registries' own CPU
    copyCpuMs: (copyCpu.user + copyCpu.system) / 1000,
    cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
