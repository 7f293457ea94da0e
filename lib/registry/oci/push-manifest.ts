/**
 * Manifest writes with the client-side duties of the OCI spec: a manifest with `subject` pushed to a
 * registry that did not confirm processing it (no `OCI-Subject` header) is added to the referrers
 * fallback index; deleting one removes it again.
 */
import { RegistryError } from "../errors";
import type { PutManifestResult } from "../provider";
import type { OciClient } from "./client";
import { deleteManifest, getManifest, putManifest } from "./manifests";
import { addToFallbackIndex, hasReferrersApi, referrerDescriptor, removeFromFallbackIndex } from "./referrers";

export async function pushManifest(
  client: OciClient,
  repository: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
): Promise<PutManifestResult> {
  const put = await putManifest(client, repository, reference, bytes, mediaType);
  let referrersIndexUpdated = false;
  const subject = put.json.subject;
  if (subject && !put.subjectProcessed) {
    const descriptor = referrerDescriptor(put.json, mediaType, put.digest, bytes.length);
    referrersIndexUpdated = await addToFallbackIndex(client, repository, subject.digest, descriptor);
  }
  return { digest: put.digest, ...(put.location ? { location: put.location } : {}), referrersIndexUpdated };
}

export async function removeManifest(client: OciClient, repository: string, digest: string): Promise<void> {
  let subject: string | undefined;
  try {
    subject = (await getManifest(client, repository, digest)).json.subject?.digest;
  } catch (err) {
    // the DELETE below reports a missing manifest in its own words
    if (!(err instanceof RegistryError && err.kind === "not_found")) throw err;
  }
  await deleteManifest(client, repository, digest);
  if (subject && !(await hasReferrersApi(client, repository, subject))) {
    await removeFromFallbackIndex(client, repository, subject, digest);
  }
}
