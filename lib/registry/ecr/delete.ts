/**
 * ECR deletes through BatchDeleteImage: an image id by digest removes the image with all of its tags,
 * one by tag removes that tag (and the image with it when it was the last one). The call succeeds as a
 * whole and reports per id in `failures`, so every id's fate is read from the answer, not assumed.
 */
import { BatchDeleteImageCommand, type ImageIdentifier } from "@aws-sdk/client-ecr";
import type { DeletionSupport } from "../capabilities";
import { RegistryError, type RegistryErrorKind } from "../errors";
import type { EcrApi } from "./api";
import { mapEcrError } from "./errors";

export const ECR_DELETION: DeletionSupport = {
  tagDelete: true,
  manifestDelete: true,
  reclaim: "immediate",
  note: "ECR stops billing deleted images' storage by itself; there is no garbage collection to run.",
};

export type EcrDeleteOutcome = { ok: true } | { ok: false; error: RegistryError };

const FAILURE_KINDS: Record<string, RegistryErrorKind> = {
  ImageNotFound: "not_found",
  UpstreamAccessDenied: "forbidden",
  UpstreamTooManyRequests: "rate_limited",
  UpstreamUnavailable: "unreachable",
  ImageInaccessible: "forbidden",
};

const label = (repository: string, id: ImageIdentifier) => (id.imageDigest ? `${repository}@${id.imageDigest}` : `${repository}:${id.imageTag}`);

/** One outcome per id, in the order given. */
async function batchDeleteImages(api: EcrApi, repository: string, ids: ImageIdentifier[]): Promise<EcrDeleteOutcome[]> {
  if (!ids.length) return [];
  let out;
  try {
    out = await api.client.send(new BatchDeleteImageCommand({ repositoryName: repository, imageIds: ids }));
  } catch (err) {
    throw mapEcrError(err, api.host, `image deletion in ${repository}`);
  }
  const same = (a: ImageIdentifier | undefined, b: ImageIdentifier) => !!a && (b.imageDigest ? a.imageDigest === b.imageDigest : a.imageTag === b.imageTag);
  return ids.map((id) => {
    const failure = (out.failures ?? []).find((f) => same(f.imageId, id));
    if (failure) {
      const code = failure.failureCode ?? "Unknown";
      const kind = FAILURE_KINDS[code] ?? "bad_response";
      return {
        ok: false,
        error: new RegistryError({
          kind,
          registry: api.host,
          message: `ECR API ${api.host} did not delete ${label(repository, id)}: ${code}${failure.failureReason ? `: ${failure.failureReason}` : ""}`,
          errors: [{ code, message: failure.failureReason ?? "" }],
          transient: kind === "rate_limited" || kind === "unreachable",
        }),
      };
    }
    if ((out.imageIds ?? []).some((x) => same(x, id))) return { ok: true };
    // neither deleted nor failed: ECR said nothing about it, which is not a success
    return { ok: false, error: new RegistryError({ kind: "bad_response", registry: api.host, message: `ECR API ${api.host} answered BatchDeleteImage without a word about ${label(repository, id)}` }) };
  });
}

async function deleteOne(api: EcrApi, repository: string, id: ImageIdentifier): Promise<void> {
  const [result] = await batchDeleteImages(api, repository, [id]);
  if (result && !result.ok) throw result.error;
}

export const ecrDeleteImage = (api: EcrApi, repository: string, digest: string) => deleteOne(api, repository, { imageDigest: digest });
export const ecrDeleteTag = (api: EcrApi, repository: string, tag: string) => deleteOne(api, repository, { imageTag: tag });
