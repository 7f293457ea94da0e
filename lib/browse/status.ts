import type { PrismaClient } from "@/lib/db/generated/client";
import { registryProvider } from "./lookup";
import { allRepositories } from "./repositories";
import { load, type Loaded } from "./result";

export interface RegistryStatus {
  latencyMs: number;
  authScheme: string;
  repositories: number;
}

/** Is the registry up: a ping and a count of its repositories, or which registry failed and why. */
export async function registryStatus(prisma: PrismaClient, name: string): Promise<Loaded<RegistryStatus>> {
  return load(name, async () => {
    const found = await registryProvider(prisma, name);
    if (!found) throw new Error(`no registry named ${name}`);
    const ping = await found.provider.ping();
    const repositories = (await allRepositories(found.provider)).length;
    return { latencyMs: Math.round(ping.latencyMs), authScheme: ping.authScheme, repositories };
  });
}
