/**
 * Bulk seeding straight into the filesystem storage of a harness registry, for benchmark-sized data
 * (10,000 repositories / 100,000 tags). Distribution 2.8 accepts only ~200 manifest PUTs per second on
 * a 2-core machine, so seeding that much through the API (seed.ts `seedBulk`) takes minutes; writing
 * its storage layout directly takes seconds and yields the same content.
 *
 * Layout of Distribution's filesystem driver (under <root>/docker/registry/v2):
 *   blobs/sha256/<hex[0:2]>/<hex>/data                                 content (blobs and manifests)
 *   repositories/<name>/_layers/sha256/<hex>/link                      "sha256:<hex>": blob linked into repo
 *   repositories/<name>/_manifests/revisions/sha256/<hex>/link         manifest known in repo
 *   repositories/<name>/_manifests/tags/<tag>/current/link             tag → manifest digest
 *   repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>/link  tag history
 * The registry reads these on every request, so content written while it runs is served at once
 * (its in-memory cache only remembers blobs it has already looked up).
 *
 * Measured here (2 cores): 10,000 repositories × 10 tags in ~31 s with the registry under /dev/shm
 * (see StartRegistryOptions.baseDir), several times slower on the ext4 temp dir; through the API
 * the registry accepts ~230–360 tags/s.
 * `options.concurrency` is not used: the writes are synchronous (see writeFile).
 */
import fs from "node:fs";
import path from "node:path";
import type { BuiltBlob } from "./image-builder";
import type { RunningRegistry } from "./registry";
import { bulkContent, bulkTagName, type BulkSeedOptions, type BulkSeedResult } from "./seed";

function hexOf(digest: string): string {
  return digest.slice("sha256:".length);
}

/**
 * Synchronous on purpose: hundreds of thousands of tiny files are created, and going through the
 * libuv thread pool costs more than the writes themselves.
 */
function writeFile(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

export async function writeBulkStorage(registry: Pick<RunningRegistry, "dir">, options: BulkSeedOptions): Promise<BulkSeedResult> {
  const started = performance.now();
  const root = path.join(registry.dir, "data", "docker", "registry", "v2");
  const { layer, base, repositories, imageFor } = bulkContent(options);

  const writeBlob = (blob: Pick<BuiltBlob, "digest" | "bytes">) => {
    const hex = hexOf(blob.digest);
    writeFile(path.join(root, "blobs", "sha256", hex.slice(0, 2), hex, "data"), blob.bytes);
  };
  writeBlob(base.config);
  writeBlob(layer);

  const total = options.repositories * options.tagsPerRepository;
  const manifests = new Set<string>();
  let done = 0;

  for (const repo of repositories) {
    const repoDir = path.join(root, "repositories", repo);
    writeFile(path.join(repoDir, "_layers", "sha256", hexOf(base.config.digest), "link"), base.config.digest);
    writeFile(path.join(repoDir, "_layers", "sha256", hexOf(layer.digest), "link"), layer.digest);
    for (let j = 0; j < options.tagsPerRepository; j++) {
      const tag = bulkTagName(j);
      const image = imageFor(repo, tag);
      const digest = image.manifest.digest;
      const hex = hexOf(digest);
      if (!manifests.has(digest)) {
        manifests.add(digest);
        writeBlob(image.manifest);
      }
      writeFile(path.join(repoDir, "_manifests", "revisions", "sha256", hex, "link"), digest);
      writeFile(path.join(repoDir, "_manifests", "tags", tag, "current", "link"), digest);
      writeFile(path.join(repoDir, "_manifests", "tags", tag, "index", "sha256", hex, "link"), digest);
      done++;
      if (done % 1000 === 0 || done === total) {
        options.onProgress?.(done, total);
        // let timers and I/O of the host process run between batches
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  return { repositories, tags: total, manifests: manifests.size, durationMs: Math.round(performance.now() - started) };
}
