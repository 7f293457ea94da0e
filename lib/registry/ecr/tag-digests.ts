/**
 * ECR's tags with their digests from DescribeImages: tagged images with imagePushedAt, their manifest
 * media type and size. ECR has no server-side time filter or order, so the listing is always whole
 * (1,000 images a request), which also makes deletions exact; manifests are still read only for
 * digests the index has never seen, and only for an index (ECR does not list its platforms).
 */
import { DescribeImagesCommand, type ImageDetail } from "@aws-sdk/client-ecr";
import { pullTime, type TagDigest, type TagDigestListing } from "../capabilities";
import { RegistryError } from "../errors";
import { isIndexMediaType } from "../media-types";
import type { EcrApi } from "./api";
import { mapEcrError } from "./errors";

const MAX_PAGES = 1_000;

export async function ecrTagDigests(api: EcrApi, repositoryName: string): Promise<TagDigestListing> {
  const images: ImageDetail[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await api.client
      .send(new DescribeImagesCommand({ repositoryName, filter: { tagStatus: "TAGGED" }, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }))
      .catch((err: unknown) => {
        throw mapEcrError(err, api.host, `images of ${repositoryName}`);
      });
    images.push(...(out.imageDetails ?? []));
    nextToken = out.nextToken;
    // a partial listing would read as deletions: it fails instead
    if (!nextToken) return { tags: images.flatMap(toTagDigests), complete: true, pullTimes: true };
  }
  throw new RegistryError({ kind: "bad_response", registry: api.host, message: `registry ${api.host} kept returning more pages of images of ${repositoryName}: stopped after ${MAX_PAGES} pages` });
}

function toTagDigests(i: ImageDetail): TagDigest[] {
  if (!i.imageDigest) return [];
  const mediaType = i.imageManifestMediaType;
  const artifactType = i.artifactMediaType && !/image\.config|container\.image/.test(i.artifactMediaType) ? i.artifactMediaType : undefined;
  const manifest = mediaType && !isIndexMediaType(mediaType) ? { mediaType, size: i.imageSizeInBytes ?? 0, platforms: [], ...(artifactType ? { artifactType } : {}) } : undefined;
  const changedAt = i.imagePushedAt?.toISOString();
  // per image, not per tag: ECR records pulls of the image by any tag or by digest (absent: never, or before ECR recorded pulls)
  const pulledAt = pullTime(i.lastRecordedPullTime);
  return (i.imageTags ?? []).map((tag) => ({ tag, digest: i.imageDigest!, ...(changedAt ? { changedAt } : {}), ...(pulledAt ? { pulledAt } : {}), ...(manifest ? { manifest } : {}) }));
}
