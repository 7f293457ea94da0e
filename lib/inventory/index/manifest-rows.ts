/** Manifest rows of the index: what a fetched manifest contributes, and the set-based writes a sync batches. */
import type { PrismaClient } from "@/lib/db/generated/client";
import { isIndexJson, type ManifestResult } from "@/lib/registry";
import { manifestBlobs, type ManifestBlobs } from "./manifest-blobs";

type Db = Pick<PrismaClient, "$queryRawUnsafe" | "$executeRawUnsafe">;

export interface ManifestRow {
  digest: string;
  mediaType: string;
  size: bigint;
  platforms: { os: string; architecture: string; variant?: string; digest: string }[];
  artifactType: string | null;
  subject: string | null;
  /** an image's config blob (enrich.ts reads it once for created and labels); null for an index or unknown */
  configDigest: string | null;
  /** what the manifest holds in the blob store (manifest-blobs.ts); null when the registry's list was refused */
  blobs: ManifestBlobs | null;
}

export function manifestRow(m: ManifestResult): ManifestRow {
  const json = m.json;
  const children = isIndexJson(json) ? json.manifests : [];
  const size = isIndexJson(json) ? m.size + children.reduce((s, d) => s + d.size, 0) : m.size + json.config.size + json.layers.reduce((s, d) => s + d.size, 0);
  const platforms = children
    .filter((d) => d.platform)
    .map((d) => ({ os: d.platform!.os, architecture: d.platform!.architecture, ...(d.platform!.variant ? { variant: d.platform!.variant } : {}), digest: d.digest }));
  return {
    digest: m.digest,
    mediaType: m.mediaType,
    size: BigInt(size),
    platforms,
    artifactType: json.artifactType ?? (!isIndexJson(json) ? nonImageConfigType(json.config.mediaType) : null),
    subject: json.subject?.digest ?? null,
    configDigest: isIndexJson(json) ? null : json.config.digest,
    blobs: manifestBlobs(m),
  };
}

/** Artifacts (signatures, SBOMs) that predate artifactType name themselves by their config's media type. */
function nonImageConfigType(configType: string): string | null {
  return /image\.config|container\.image/.test(configType) ? null : configType;
}

/**
 * One statement for any number of manifests; a digest already indexed is left as it is (immutable).
 * Returns the digests it inserted: those are the ones new to the index.
 */
export async function insertManifests(db: Db, rows: readonly ManifestRow[]): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await db.$queryRawUnsafe<{ digest: string }[]>(
    `INSERT INTO "InventoryManifest" ("digest", "mediaType", "size", "platforms", "artifactType", "subject", "configDigest", "blobs")
     SELECT m.d, m.t, m.s::bigint, m.p::jsonb, m.a, m.subj, m.c, m.b::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS m(d, t, s, p, a, subj, c, b)
     ON CONFLICT ("digest") DO NOTHING
     RETURNING "digest"`,
    rows.map((r) => r.digest),
    rows.map((r) => r.mediaType),
    rows.map((r) => r.size.toString()),
    rows.map((r) => JSON.stringify(r.platforms)),
    rows.map((r) => r.artifactType),
    rows.map((r) => r.subject),
    rows.map((r) => r.configDigest),
    rows.map((r) => (r.blobs ? JSON.stringify(r.blobs) : null)),
  );
  return inserted.map((r) => r.digest);
}

/** Those of `digests` the index has no manifest for. */
export async function unindexedDigests(db: Db, digests: readonly string[]): Promise<string[]> {
  if (!digests.length) return [];
  const rows = await db.$queryRawUnsafe<{ d: string }[]>(
    `SELECT d FROM unnest($1::text[]) AS d WHERE NOT EXISTS (SELECT 1 FROM "InventoryManifest" AS m WHERE m."digest" = d)`,
    [...digests],
  );
  return rows.map((r) => r.d);
}
