/**
 * Entry point of lib/registry. Pages and services call `createProvider(...)` and work against the
 * RegistryProvider interface; they never import from ./oci directly.
 */
import { RegistryError } from "./errors";
import { createOciProvider } from "./oci/provider";
import type { OciClientOptions } from "./oci/client";
import type { RegistryConnection, RegistryKind, RegistryProvider } from "./provider";

export * from "./errors";
export * from "./provider";
export * from "./reference";
export * from "./media-types";
export { mapConcurrent, createLimiter } from "./concurrency";
export { createOciProvider, type OciProvider } from "./oci/provider";
export type { OciClientOptions } from "./oci/client";

export type ProviderConnection = RegistryConnection & { kind: RegistryKind };

export function createProvider(conn: ProviderConnection, options: OciClientOptions = {}): RegistryProvider {
  switch (conn.kind) {
    case "oci":
      return createOciProvider(conn, options);
    case "harbor":
    case "ecr":
    case "dockerhub":
      throw new RegistryError({
        kind: "unsupported",
        message: `registry "${conn.name}" is configured as kind "${conn.kind}", which this Dockmaster build does not implement yet; use kind "oci" to browse it through the plain OCI distribution API`,
      });
    default: {
      const kind: never = conn.kind;
      throw new RegistryError({ kind: "unsupported", message: `registry "${conn.name}" has unknown kind "${String(kind)}"` });
    }
  }
}
