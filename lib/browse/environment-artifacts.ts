/**
 * What each environment holds, as repository:tag → digest, read live (through the browse caches) from
 * the environment's registry and namespace. The scan views and the drift matrix both start here.
 * Bounded per environment, and a registry that fails is reported in its own entry, never hiding others.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import { relativeName } from "@/lib/inventory/namespace";
import { describeRegistryError, mapConcurrent, type DescribedError, type RegistryProvider } from "@/lib/registry";
import { searchRepositories, tagListing } from "./repositories";
import { isReferrersTag, resolveTag } from "./tags";

export interface EnvironmentArtifact {
  /** full repository name on the registry */
  repository: string;
  /** the name inside the environment's namespace ("app" for "prod/app"): what environments share */
  relative: string;
  tag: string;
  digest: string;
}

export interface EnvironmentInventory {
  environment: { name: string; order: number; registry: string; registryKind: string; namespace: string };
  provider?: RegistryProvider;
  artifacts: EnvironmentArtifact[];
  /** more repositories or tags existed than were read (or the registry's listing itself was cut short) */
  truncated: boolean;
  error?: DescribedError;
}

export interface InventoryLimits {
  maxRepositories?: number;
  maxTagsPerRepository?: number;
  /** only these environments */
  environments?: string[];
}

export async function environmentInventories(prisma: PrismaClient, limits: InventoryLimits = {}): Promise<EnvironmentInventory[]> {
  const maxRepos = limits.maxRepositories ?? 100;
  const maxTags = limits.maxTagsPerRepository ?? 50;
  const envs = await prisma.environment.findMany({
    where: limits.environments ? { name: { in: limits.environments } } : {},
    include: { registry: { include: { environments: { select: { namespace: true } } } } },
    orderBy: { order: "asc" },
  });
  return mapConcurrent(envs, 4, async (env) => {
    const environment = { name: env.name, order: env.order, registry: env.registry.name, registryKind: env.registry.kind, namespace: env.namespace };
    let provider: RegistryProvider | undefined;
    try {
      provider = providerFor(env.registry);
      const page = await searchRepositories(provider, { namespace: env.namespace || undefined, pageSize: maxRepos });
      let truncated = page.total > page.items.length || page.truncated !== undefined;
      const perRepo = await mapConcurrent(page.items, 4, async (repository) => {
        const listing = await tagListing(provider!, repository);
        const tags = listing.items.filter((t) => !isReferrersTag(t));
        if (tags.length > maxTags || listing.truncated) truncated = true;
        return mapConcurrent(tags.slice(0, maxTags), 8, async (tag) => ({ repository, relative: relativeName(repository, env.namespace) ?? repository, tag, digest: (await resolveTag(provider!, repository, tag)).digest }));
      });
      return { environment, provider, artifacts: perRepo.flat(), truncated };
    } catch (err) {
      return { environment, ...(provider ? { provider } : {}), artifacts: [], truncated: false, error: describeRegistryError(err) };
    }
  });
}
