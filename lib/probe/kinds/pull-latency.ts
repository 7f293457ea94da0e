import { z } from "zod";
import { isIndexJson, type Descriptor, type ImageManifestJson, type RegistryProvider } from "@/lib/registry";
import { defineProbeKind } from "./spec";

const DEFAULT_SAMPLE_BYTES = 1024 * 1024;

async function imageManifest(provider: RegistryProvider, repository: string, tag: string): Promise<ImageManifestJson> {
  const top = await provider.getManifest(repository, tag);
  if (!isIndexJson(top.json)) return top.json;
  // A multi-arch tag: sample the platform most pulls are for, else the first one.
  const pick = top.json.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ?? top.json.manifests[0];
  if (!pick) throw new Error(`${repository}:${tag} is an empty index`);
  const child = await provider.getManifest(repository, pick.digest);
  if (isIndexJson(child.json)) throw new Error(`${repository}:${tag} nests an index inside an index`);
  return child.json;
}

/** Reads the first `limit` bytes of a blob: time to first byte and throughput of what was read. */
async function sampleBlob(provider: RegistryProvider, repository: string, layer: Descriptor, limit: number, deadline: number) {
  const started = performance.now();
  const blob = await provider.openBlob(repository, layer.digest);
  let firstByteAt: number | undefined;
  let bytes = 0;
  try {
    for await (const chunk of blob.stream) {
      firstByteAt ??= performance.now();
      bytes += (chunk as Uint8Array).length;
      if (bytes >= limit || performance.now() > deadline) break;
    }
  } finally {
    // Stopping early is the point: the rest of the blob is not wanted.
    blob.stream.destroy();
  }
  const ended = performance.now();
  const ttfbMs = (firstByteAt ?? ended) - started;
  const transferMs = Math.max(ended - (firstByteAt ?? started), 0.001);
  return { ttfbMs, bytes, throughputBps: (bytes * 1000) / transferMs };
}

/** Manifest GET, then a sampled read of the largest layer: how fast a pull would start and flow. */
export const pullLatency = defineProbeKind({
  kind: "pull_latency",
  label: "Pull latency",
  registry: "required",
  params: z.strictObject({
    repository: z.string().min(1).describe("the repository to pull from"),
    tag: z.string().min(1).describe("the tag whose manifest and largest layer are read"),
    /** bytes of the largest layer to read */
    sampleBytes: z.number().int().min(1).max(64 * 1024 * 1024).optional(),
  }),
  form: [
    { name: "repository", label: "Repository", placeholder: "team/app" },
    { name: "tag", label: "Tag", placeholder: "1.0.0" },
  ],
  alerts: ["consecutive_failures", "p99_latency"],
  async run(target, { repository, tag, sampleBytes }, ctx) {
    const provider = await ctx.provider(target.registryName!, { timeoutMs: target.timeoutMs });
    const t0 = performance.now();
    const manifest = await imageManifest(provider, repository, tag);
    const manifestMs = performance.now() - t0;
    const blobs = manifest.layers.length > 0 ? manifest.layers : [manifest.config];
    const largest = blobs.reduce((a, b) => (b.size > a.size ? b : a));
    const sample = await sampleBlob(provider, repository, largest, sampleBytes ?? DEFAULT_SAMPLE_BYTES, t0 + target.timeoutMs);
    return {
      ok: true,
      value: sample.throughputBps,
      detail: {
        manifestMs: round(manifestMs),
        ttfbMs: round(sample.ttfbMs),
        sampledBytes: sample.bytes,
        throughputBps: Math.round(sample.throughputBps),
        layer: largest.digest,
        layerSize: largest.size,
      },
    };
  },
});

const round = (n: number) => Math.round(n * 10) / 10;
