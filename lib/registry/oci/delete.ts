/**
 * Deleting from a plain distribution registry. Distribution 2.8 deletes manifests by digest only
 * (DELETE /v2/<name>/manifests/<tag> is refused), and answers 405 UNSUPPORTED to every delete unless
 * its configuration says `storage: { delete: { enabled: true } }`; the blobs stay on disk until an
 * offline `registry garbage-collect`.
 */
import type { DeletionSupport } from "../capabilities";
import { RegistryError } from "../errors";
import type { OciClient } from "./client";
import { removeManifest } from "./push-manifest";

export const OCI_DELETION: DeletionSupport = {
  tagDelete: false,
  manifestDelete: true,
  reclaim: "offline-gc",
  note: "Deleted manifests free no space until the registry's garbage collection runs: for Distribution, `registry garbage-collect <config.yml>` with the registry stopped or in read-only mode.",
};

/** Removes a manifest and every tag on it; a 405 is named for what it means here: deletes are disabled. */
export async function deleteImageByDigest(client: OciClient, repository: string, digest: string): Promise<void> {
  try {
    await removeManifest(client, repository, digest);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 405) {
      throw new RegistryError({
        kind: "unsupported",
        status: 405,
        registry: client.host,
        ...(err.url ? { url: err.url } : {}),
        method: "DELETE",
        errors: err.errors,
        message: `registry ${client.host} refused to delete ${repository}@${digest} (405 UNSUPPORTED): deleting is disabled there; enable it with storage.delete.enabled: true in the registry's configuration`,
        cause: err,
      });
    }
    throw err;
  }
}
