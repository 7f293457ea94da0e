import type { RegistryProvider } from "@/lib/registry";
import { load } from "./result";
import { tagLifecycleFor, tagTable, type TagQuery } from "./tags";

/**
 * The repository page's data: the tag table and its optional lifecycle columns (Harbor, ECR, Docker
 * Hub), read in parallel. Each is loaded on its own, so a lifecycle failure never hides the tags.
 */
export async function loadTagPage(p: RegistryProvider, repo: string, q: TagQuery) {
  const [table, lifecycle] = await Promise.all([load(p.name, () => tagTable(p, repo, q)), load(p.name, () => tagLifecycleFor(p, repo))]);
  return { table, lifecycle };
}
