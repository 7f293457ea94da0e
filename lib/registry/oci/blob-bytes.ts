import { LIMITS } from "./body";
import { fetchBlobBytes } from "./blobs";
import type { OciClient } from "./client";

/** A whole small blob, verified; the default cap suits configs and attached documents, not layers. */
export async function getBlobBytes(client: OciClient, repository: string, digest: string, maxBytes: number = LIMITS.config): Promise<Uint8Array> {
  return (await fetchBlobBytes(client, repository, digest, maxBytes)).bytes;
}
