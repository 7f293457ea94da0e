import { pipeline, Transform } from "node:stream";
import { mapConcurrent } from "../concurrency";
import { RegistryError } from "../errors";
import type { RegistryProvider } from "../provider";
import type { CopyPlan, PlannedBlob } from "./plan";

export interface CopyProgress {
  blobsDone: number;
  blobsTotal: number;
  skipped: number;
  mounted: number;
  copied: number;
  /** bytes streamed to the target so far (mounted and skipped blobs send none) */
  bytesSent: number;
  bytesToSend: number;
  manifestsPushed: number;
  manifestsTotal: number;
  current?: string;
}

export interface ExecuteOptions {
  /** blobs streamed at once; default 6 (as skopeo), so a typical image's layers all flow together */
  concurrency?: number;
  /** called often while bytes move; cheap to implement, may be throttled by the caller */
  onProgress?: (p: CopyProgress) => void;
  /** chunk size for the streamed upload */
  chunkSize?: number;
}

export interface CopyResult {
  digest: string;
  progress: CopyProgress;
}

/**
 * Executes a plan: blobs first (a bounded pool of streams, never a whole layer in memory), then
 * manifests children-first, then the tag. Safe to run again after a failure: blobs that already
 * arrived are found by HEAD and skipped, so a resumed copy never re-sends finished blobs. A copy is
 * only reported done once the tag, read back from the target, resolves to the source digest.
 */
export async function executeCopy(src: RegistryProvider, dst: RegistryProvider, plan: CopyPlan, tag: string | undefined, options: ExecuteOptions = {}): Promise<CopyResult> {
  const progress: CopyProgress = {
    blobsDone: 0,
    blobsTotal: plan.blobs.length,
    skipped: 0,
    mounted: 0,
    copied: 0,
    bytesSent: 0,
    bytesToSend: plan.totals.bytesToSend,
    manifestsPushed: 0,
    manifestsTotal: plan.manifests.length,
  };
  const report = () => options.onProgress?.({ ...progress });
  const srcRepo = plan.source.repository;
  const dstRepo = plan.target.repository;

  const transfer = async (b: PlannedBlob) => {
    let action = b.action;
    // The plan may be stale (a resumed run, or someone pushed meanwhile): check again, it is one HEAD.
    if (action !== "skip" && (await dst.headBlob(dstRepo, b.digest))) action = "skip";
    if (action === "mount" && !(await dst.mountBlob(dstRepo, b.digest, srcRepo))) action = "copy";
    if (action === "copy") {
      progress.current = b.digest;
      const { stream } = await src.openBlob(srcRepo, b.digest);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          progress.bytesSent += chunk.length;
          report();
          cb(null, chunk);
        },
      });
      // pipeline carries a source failure (digest mismatch, cut connection) into `counter` even
      // before the upload starts reading it; the upload then fails with that error.
      pipeline(stream, counter, () => undefined);
      // openBlob's stream verifies the digest itself, and its failure reaches the upload through `counter`
      await dst.uploadBlobStream(dstRepo, { stream: counter, digest: b.digest, size: b.size, selfVerifying: true }, options.chunkSize ? { chunkSize: options.chunkSize } : {});
    }
    progress[action === "skip" ? "skipped" : action === "mount" ? "mounted" : "copied"]++;
    progress.blobsDone++;
    report();
  };
  await mapConcurrent(plan.blobs, options.concurrency ?? 6, transfer);

  for (const m of plan.manifests) {
    const put = await dst.putManifest(dstRepo, m.digest, m.bytes, m.mediaType);
    if (put.digest !== m.digest) {
      throw new RegistryError({ kind: "digest_mismatch", registry: plan.target.registry, message: `target ${plan.target.registry} stored manifest ${m.digest} of ${dstRepo} as ${put.digest}` });
    }
    progress.manifestsPushed++;
    report();
  }
  const root = plan.manifests.find((m) => m.role === "root")!;
  if (tag) await dst.putManifest(dstRepo, tag, root.bytes, root.mediaType);
  await verifyCopy(dst, dstRepo, tag ?? plan.digest, plan.digest, plan.target.registry);
  return { digest: plan.digest, progress };
}

/**
 * Reads the reference back from the target; anything but the expected digest is a failure. The
 * manifest bytes are fetched and hashed (getManifest), so the digest is computed, not reported.
 */
export async function verifyCopy(dst: RegistryProvider, repo: string, reference: string, expected: string, registry: string): Promise<void> {
  let actual: string;
  try {
    actual = (await dst.getManifest(repo, reference)).digest;
  } catch (err) {
    if (err instanceof RegistryError && err.kind === "not_found") {
      throw new RegistryError({ kind: "not_found", registry, cause: err, message: `verification failed: ${repo}:${reference} is missing on ${registry} after the copy` });
    }
    throw err;
  }
  if (actual !== expected) {
    throw new RegistryError({ kind: "digest_mismatch", registry, message: `verification failed: ${repo}:${reference} on ${registry} resolves to ${actual}, expected ${expected}` });
  }
}
