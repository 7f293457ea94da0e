/**
 * Environments are namespaces: dev/app in "dev" becomes prod/app in "prod". A repository outside
 * the source namespace cannot be promoted from it (null). The rule itself is lib/inventory/namespace.ts.
 */
export { mapRepository as targetRepositoryFor } from "@/lib/inventory/namespace";
