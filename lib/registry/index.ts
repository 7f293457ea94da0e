/**
 * Entry point of lib/registry. Pages and services call `createProvider(...)` and work against the
 * RegistryProvider interface; they never import from ./oci directly.
 */
import { RegistryError } from "./errors";
import { createOciProvider } from "./oci/provider";
import type { OciClientOptions } from "./oci/client";
import type { RegistryConnection, RegistryKind, RegistryProvider } from "./provider";
import { createHarborProvider } from "./harbor/provider";
import { createEcrProvider } from "./ecr/provider";
import { createDockerHubProvider } from "./dockerhub/provider";

export * from "./errors";
export * from "./provider";
export * from "./reference";
export * from "./media-types";
export { mapConcurrent, createLimiter } from "./concurrency";
export { collectPages, type Listing, type ListingLimits, type Truncation } from "./transport/paging";
export { createOciProvider } from "./oci/provider";
export type { OciClientOptions } from "./oci/client";
export * from "./capabilities";

export type ProviderConnection = RegistryConnection & {
  kind: RegistryKind;
  /** Docker Hub has no catalog: the namespaces whose repositories are listed (the account's own is added) */
  namespaces?: string[];
};

export function createProvider(conn: ProviderConnection, options: OciClientOptions = {}): RegistryProvider {
  switch (conn.kind) {
    case "oci":
      return createOciProvider(conn, options);
    case "harbor":
      return createHarborProvider(conn, options);
    case "ecr":
      return createEcrProvider(conn, options);
    case "dockerhub":
      return createDockerHubProvider(conn, options);
    default: {
      const kind: never = conn.kind;
      throw new RegistryError({ kind: "unsupported", message: `registry "${conn.name}" has unknown kind "${String(kind)}"` });
    }
  }
}
