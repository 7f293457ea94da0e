/**
 * A copy is "plan, then transfer" (as in containers/image): first read everything the artifact
 * consists of — manifests (an index with every platform), config and layer blobs, and the
 * referrers attached to it — and decide per blob whether the target already has it (skip), can
 * borrow it from another repository of the same registry (mount), or must receive the bytes
 * (copy). The plan is shown to people before any byte moves; executing it is in ./execute.ts.
 */
import { mapConcurrent } from "../concurrency";
import { isIndexJson, type Descriptor, type ManifestResult, type RegistryProvider } from "../provider";

export type BlobAction = "skip" | "mount" | "copy";

export interface PlannedBlob {
  digest: string;
  size: number;
  mediaType: string;
  action: BlobAction;
}

export interface PlannedManifest {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
  /** why it is copied: the requested artifact, one platform of it, or a referrer (signature, SBOM…) */
  role: "root" | "platform" | "referrer";
  artifactType?: string;
}

export interface CopyPlan {
  source: { registry: string; repository: string };
  target: { registry: string; repository: string };
  digest: string;
  mediaType: string;
  /** in push order: children before the manifests that point at them; referrers last */
  manifests: PlannedManifest[];
  blobs: PlannedBlob[];
  totals: { blobs: number; bytes: number; skip: number; mount: number; copy: number; bytesToSend: number };
}

export interface PlanOptions {
  includeReferrers?: boolean;
  /** HEAD requests in flight while planning */
  concurrency?: number;
}

/** Blob mounts only work inside one registry, and only if both repositories use the same account. */
function canMount(source: RegistryProvider, target: RegistryProvider): boolean {
  return source.host === target.host && target.capabilities.blobMount;
}

async function collect(src: RegistryProvider, repo: string, root: ManifestResult, role: PlannedManifest["role"], out: { manifests: PlannedManifest[]; blobs: Map<string, Descriptor> }, artifactType?: string) {
  const json = root.json;
  if (isIndexJson(json)) {
    for (const child of json.manifests) {
      const m = await src.getManifest(repo, child.digest);
      await collect(src, repo, m, role === "root" ? "platform" : role, out);
    }
  } else {
    for (const d of [json.config, ...json.layers]) if (!out.blobs.has(d.digest)) out.blobs.set(d.digest, d);
  }
  out.manifests.push({ digest: root.digest, mediaType: root.mediaType, bytes: root.bytes, role, ...(artifactType ? { artifactType } : {}) });
}

export async function planCopy(
  src: RegistryProvider,
  srcRepo: string,
  digest: string,
  dst: RegistryProvider,
  dstRepo: string,
  options: PlanOptions = {},
): Promise<CopyPlan> {
  const root = await src.getManifest(srcRepo, digest);
  const out = { manifests: [] as PlannedManifest[], blobs: new Map<string, Descriptor>() };
  await collect(src, srcRepo, root, "root", out);
  if (options.includeReferrers !== false) {
    const { referrers } = await src.listReferrers(srcRepo, root.digest);
    for (const r of referrers) {
      const m = await src.getManifest(srcRepo, r.digest);
      await collect(src, srcRepo, m, "referrer", out, r.artifactType);
    }
  }
  const mountable = canMount(src, dst) && srcRepo !== dstRepo;
  const blobs = await mapConcurrent([...out.blobs.values()], options.concurrency ?? 8, async (d): Promise<PlannedBlob> => {
    const present = await dst.headBlob(dstRepo, d.digest);
    return { digest: d.digest, size: d.size, mediaType: d.mediaType, action: present ? "skip" : mountable ? "mount" : "copy" };
  });
  const count = (a: BlobAction) => blobs.filter((b) => b.action === a).length;
  return {
    source: { registry: src.host, repository: srcRepo },
    target: { registry: dst.host, repository: dstRepo },
    digest: root.digest,
    mediaType: root.mediaType,
    manifests: out.manifests,
    blobs,
    totals: {
      blobs: blobs.length,
      bytes: blobs.reduce((n, b) => n + b.size, 0),
      skip: count("skip"),
      mount: count("mount"),
      copy: count("copy"),
      bytesToSend: blobs.filter((b) => b.action === "copy").reduce((n, b) => n + b.size, 0),
    },
  };
}
