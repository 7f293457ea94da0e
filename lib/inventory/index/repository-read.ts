import type { ManifestRow } from "./manifest-rows";
import type { RepositoryObservation } from "./snapshot";

/** One repository as read from the registry (by tag list or by the registry's own API), waiting to be written. */
export interface RepositoryRead {
  observation: RepositoryObservation;
  /** manifests known from the read itself (fetched by tag, or summarized by the registry's API) */
  manifests: ManifestRow[];
  headRequests: number;
  manifestGets: number;
}
