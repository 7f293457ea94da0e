import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import type { RegistryProvider } from "@/lib/registry";

export async function registryProvider(prisma: PrismaClient, name: string): Promise<{ provider: RegistryProvider; environments: { name: string; namespace: string }[] } | null> {
  const row = await prisma.registry.findUnique({ where: { name }, include: { environments: { select: { name: true, namespace: true }, orderBy: { order: "asc" } } } });
  if (!row) return null;
  return { provider: providerFor(row), environments: row.environments };
}

export async function environmentProvider(prisma: PrismaClient, name: string) {
  const env = await prisma.environment.findUnique({ where: { name }, include: { registry: true } });
  if (!env) return null;
  return { env, provider: providerFor(env.registry) };
}
