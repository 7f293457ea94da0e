/**
 * Harbor's own delete APIs: an artifact (by digest: the manifest and all of its tags), a single tag
 * (the artifact stays), and its garbage collection, which gives the blobs' space back. Harbor checks
 * its immutability rules on both deletes (412 for an immutable tag).
 */
import type { DeletionSupport } from "../capabilities";
import type { JsonApi } from "../transport/json-api";
import { header } from "../transport/types";
import { splitRepository } from "./names";

export const HARBOR_DELETION: DeletionSupport = {
  tagDelete: true,
  manifestDelete: true,
  reclaim: "gc-api",
  note: "Harbor frees the space of deleted artifacts only when its garbage collection runs; an admin can start it from Dockmaster (audited) or wait for Harbor's GC schedule.",
};

const artifactPath = (repository: string, reference: string) => {
  const r = splitRepository(repository);
  return `/projects/${encodeURIComponent(r.project)}/repositories/${r.param}/artifacts/${encodeURIComponent(reference)}`;
};

export async function deleteArtifact(api: JsonApi, repository: string, digest: string): Promise<void> {
  await api.call({ method: "DELETE", path: artifactPath(repository, digest), what: `artifact ${repository}@${digest}`, expect: [200] });
}

/** The tag names its own artifact as the reference, so no lookup of the digest is needed. */
export async function deleteTag(api: JsonApi, repository: string, tag: string): Promise<void> {
  await api.call({ method: "DELETE", path: `${artifactPath(repository, tag)}/tags/${encodeURIComponent(tag)}`, what: `tag ${repository}:${tag}`, expect: [200] });
}

/**
 * A manual GC run (createGCSchedule with schedule type "Manual" starts one at once). Untagged
 * artifacts are left alone: deleting them is retention's decision, made per plan, not GC's.
 * Harbor answers 201 with the run's location, /api/v2.0/system/gc/<id>.
 */
export async function triggerGc(api: JsonApi): Promise<{ id: string }> {
  const res = await api.call({ method: "POST", path: "/system/gc/schedule", json: { schedule: { type: "Manual" }, parameters: { delete_untagged: false, workers: 1 } }, what: "garbage collection", expect: [201] });
  const location = header(res, "location") ?? "";
  return { id: /\/gc\/(\d+)$/.exec(location)?.[1] ?? location };
}
