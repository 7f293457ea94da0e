/**
 * Docker Hub deletes tags only, through the Hub API: registry-1.docker.io refuses manifest deletes,
 * and the published Hub OpenAPI document (specs/dockerhub-api.yaml) lists no delete for tags at all.
 * The endpoint Hub's own clients use is the legacy `DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/`
 * (204 on success), deprecated as a family but without a documented replacement for deletion; a
 * manifest left without tags is then Hub's to clean up.
 */
import type { DeletionSupport } from "../capabilities";
import type { JsonApi } from "../transport/json-api";
import { splitHubRepository } from "./api";

export const HUB_DELETION: DeletionSupport = {
  tagDelete: true,
  manifestDelete: false,
  reclaim: "registry-managed",
  note: "Docker Hub deletes tags; an image left without tags stays until Hub's own cleanup of untagged images removes it.",
};

export async function hubDeleteTag(api: JsonApi, repository: string, tag: string): Promise<void> {
  const [namespace, name] = splitHubRepository(repository);
  await api.call({ method: "DELETE", path: `/v2/repositories/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/tags/${encodeURIComponent(tag)}/`, what: `tag ${repository}:${tag}`, expect: [204] });
}
