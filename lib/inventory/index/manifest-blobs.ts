/**
 * What one manifest holds in the registry's blob store, kept in InventoryManifest.blobs so retention
 * can count a layer shared by several manifests once (lib/retention/reclaim.ts). One jsonb value per
 * manifest, written by the sync's existing INSERT: no row per layer, no extra statement.
 *
 * Shape: [[digest, size], ...]: the manifest itself first, then (an image) its config and layers in
 * manifest order, each digest once. An index lists only itself: its children are manifests of their
 * own (InventoryManifest.platforms names them).
 *
 * Registry data is hostile: a list longer than MAX_MANIFEST_BLOBS, a malformed digest or a size that
 * is not a non-negative safe integer refuses the whole list (null), rather than storing part of it:
 * a truncated list would make retention under-count, null makes it fall back to the manifest's total
 * size and say the figure is an upper bound.
 */
import { isDigest, isIndexJson, type ManifestResult } from "@/lib/registry";

export type ManifestBlobs = [digest: string, size: number][];

/** no real image comes near this (Docker refuses more than 127 layers); a hostile one may send millions */
export const MAX_MANIFEST_BLOBS = 1000;

const validSize = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

export function manifestBlobs(m: Pick<ManifestResult, "digest" | "size" | "json">): ManifestBlobs | null {
  const json = m.json;
  const descriptors = isIndexJson(json) ? [] : [json.config, ...(Array.isArray(json.layers) ? json.layers : [])];
  if (descriptors.length + 1 > MAX_MANIFEST_BLOBS) return null;
  const out: ManifestBlobs = [];
  const seen = new Set<string>();
  for (const d of [{ digest: m.digest, size: m.size }, ...descriptors]) {
    if (!d || typeof d.digest !== "string" || !isDigest(d.digest) || !validSize(d.size)) return null;
    // a layer listed twice is stored once
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push([d.digest, d.size]);
  }
  return out;
}
