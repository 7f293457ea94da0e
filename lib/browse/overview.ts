import { mapConcurrent, type RegistryProvider } from "@/lib/registry";
import { allTags } from "./repositories";
import { describeRef } from "./tags";
import { searchRepositories } from "./repositories";

export interface EnvironmentRepo {
  name: string;
  tagCount: number;
  /** newest image config `created` among the repository's tags */
  lastPush?: string;
  /** tags whose description failed (shown, not hidden) */
  unreadable: number;
}

export interface EnvironmentColumn {
  total: number;
  repositories: EnvironmentRepo[];
}

/** Tags per repository we describe to find the last push; beyond this the figure is marked partial. */
const TAGS_SCANNED = 50;

/** One column of the environments overview: the namespace's repositories, their tag counts and last push. */
export async function environmentColumn(p: RegistryProvider, namespace: string, limit: number): Promise<EnvironmentColumn> {
  const page = await searchRepositories(p, { namespace, pageSize: limit });
  const repositories = await mapConcurrent(page.items, 4, async (name) => {
    const tags = await allTags(p, name);
    let unreadable = 0;
    const created = await mapConcurrent(tags.slice(0, TAGS_SCANNED), 8, async (t) => {
      try {
        return (await describeRef(p, name, t)).created;
      } catch {
        unreadable++;
        return undefined;
      }
    });
    const lastPush = created.filter((c): c is string => !!c).sort().at(-1);
    return { name, tagCount: tags.length, lastPush, unreadable };
  });
  return { total: page.total, repositories };
}
