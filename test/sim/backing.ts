/**
 * What a simulator knows about content: read from the real docker-registry behind it, so digests,
 * sizes and platforms in the simulated management APIs always match what the registry serves.
 */
import { createOciProvider, type OciProvider } from "../../lib/registry/oci/provider";
import type { RegistryAuth, Referrer } from "../../lib/registry/provider";
import { isReferrersTag } from "../../lib/registry/reference";

export interface BackingImage {
  repository: string;
  digest: string;
  mediaType: string;
  /** manifest + config + layers (sum over platforms for an index) */
  size: number;
  tags: string[];
  platforms: Array<{ os: string; architecture: string; variant?: string; digest: string; size: number }>;
  created?: string;
  artifactType?: string;
  configMediaType?: string;
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}

export interface Backing {
  provider: OciProvider;
  repositories(): Promise<string[]>;
  /** every tagged image of a repository (referrers fallback tags excluded), tags grouped by digest */
  images(repository: string): Promise<BackingImage[]>;
  image(repository: string, reference: string): Promise<BackingImage | undefined>;
  referrers(repository: string, digest: string): Promise<Referrer[]>;
  /** the referrers fallback tags (`sha256-<hex>`) of a repository, with what each points at */
  referrersTags(repository: string): Promise<{ tag: string; digest: string; mediaType: string; size: number }[]>;
  /** removes the manifest and every tag on it, as a registry's delete by digest does */
  deleteImage(repository: string, digest: string): Promise<void>;
  /**
   * removes one tag and keeps the manifest with its other tags. Distribution cannot delete a tag alone,
   * so the manifest is deleted by digest and pushed again (same bytes, same digest) under each remaining
   * tag; when none remain it simply stays deleted, as ECR does with an image's last tag.
   */
  removeTag(repository: string, tag: string): Promise<void>;
  close(): Promise<void>;
}


/** `tokenRealms`: the token service of a token-auth backing registry, on its own loopback port. */
export function openBacking(url: string, auth: RegistryAuth, tokenRealms?: string[]): Backing {
  const provider = createOciProvider({ name: "sim-backing", url, auth, ...(tokenRealms ? { tokenRealms } : {}) }, { retry: { maxAttempts: 1 } });

  async function describe(repository: string, digest: string, tags: string[]): Promise<BackingImage> {
    const d = await provider.describeArtifact(repository, digest);
    const json = d.manifest.json as { config?: { mediaType: string }; layers?: Array<{ digest: string; size: number; mediaType: string }> };
    return {
      repository,
      digest: d.digest,
      mediaType: d.mediaType,
      size: d.size,
      tags,
      platforms: d.platforms.map((p) => ({ os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}), digest: p.digest, size: p.size })),
      ...(d.created ? { created: d.created } : {}),
      ...(d.artifactType ? { artifactType: d.artifactType } : {}),
      ...(json.config ? { configMediaType: json.config.mediaType } : {}),
      layers: (json.layers ?? []).map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
    };
  }

  async function rawTags(repository: string): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await provider.listTags(repository, { pageSize: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return out;
  }
  const allTags = async (repository: string) => (await rawTags(repository)).filter((t) => !isReferrersTag(t));

  return {
    provider,
    async repositories() {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await provider.listRepositories({ pageSize: 1000, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.next;
      } while (cursor);
      return out.sort();
    },
    async images(repository) {
      const byDigest = new Map<string, string[]>();
      for (const tag of await allTags(repository)) {
        const head = await provider.headManifest(repository, tag);
        if (!head) continue;
        byDigest.set(head.digest, [...(byDigest.get(head.digest) ?? []), tag]);
      }
      const images: BackingImage[] = [];
      for (const [digest, tags] of byDigest) images.push(await describe(repository, digest, tags.sort()));
      return images;
    },
    async image(repository, reference) {
      const head = await provider.headManifest(repository, reference);
      if (!head) return undefined;
      const tags: string[] = [];
      for (const tag of await allTags(repository)) {
        if ((await provider.headManifest(repository, tag))?.digest === head.digest) tags.push(tag);
      }
      return describe(repository, head.digest, tags);
    },
    async referrers(repository, digest) {
      return (await provider.listReferrers(repository, digest)).referrers;
    },
    async referrersTags(repository) {
      const out: { tag: string; digest: string; mediaType: string; size: number }[] = [];
      for (const tag of (await rawTags(repository)).filter((t) => isReferrersTag(t))) {
        const head = await provider.headManifest(repository, tag);
        if (head) out.push({ tag, digest: head.digest, mediaType: head.mediaType, size: head.size });
      }
      return out;
    },
    deleteImage: (repository, digest) => provider.deleteManifest(repository, digest),
    async removeTag(repository, tag) {
      const manifest = await provider.getManifest(repository, tag);
      const others: string[] = [];
      for (const t of await allTags(repository)) if (t !== tag && (await provider.headManifest(repository, t))?.digest === manifest.digest) others.push(t);
      await provider.deleteManifest(repository, manifest.digest);
      for (const t of others) await provider.putManifest(repository, t, manifest.bytes, manifest.mediaType);
    },
    close: () => provider.close(),
  };
}
