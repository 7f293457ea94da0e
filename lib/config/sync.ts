import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { envRefName, type DockmasterConfig } from "./schema";

/**
 * Makes the database mirror dockmaster.yaml: registries and environments declared there are
 * upserted (source "config", read-only in the UI); ones the file no longer declares are removed.
 * Entries added in the UI (source "ui") are left alone, but a name clash with the file is refused.
 */
export async function syncConfig(prisma: PrismaClient, cfg: DockmasterConfig): Promise<{ registries: number; environments: number }> {
  return prisma.$transaction(async (tx) => {
    const uiRegistries = await tx.registry.findMany({ where: { source: "ui", name: { in: cfg.registries.map((r) => r.name) } } });
    const uiEnvs = await tx.environment.findMany({ where: { source: "ui", name: { in: cfg.environments.map((e) => e.name) } } });
    const clash = [...uiRegistries.map((r) => `registry "${r.name}"`), ...uiEnvs.map((e) => `environment "${e.name}"`)];
    if (clash.length) {
      throw new Error(`dockmaster.yaml declares ${clash.join(", ")}, which already ${clash.length === 1 ? "exists" : "exist"} as added in the UI; rename or delete one of them`);
    }

    const ids = new Map<string, string>();
    for (const r of cfg.registries) {
      const data = {
        kind: r.kind,
        url: r.url,
        username: r.credentials?.username ?? null,
        secretEnvRef: envRefName(r.credentials?.password ?? r.credentials?.token ?? r.credentials?.secretAccessKey) ?? null,
        secretCiphertext: null,
        insecureSkipVerify: r.tls?.insecureSkipVerify ?? false,
        caFile: r.tls?.caFile ?? null,
        options: {
          region: r.region ?? null,
          accessKeyIdEnv: envRefName(r.credentials?.accessKeyId) ?? null,
          tokenRealms: r.tokenRealms ?? null,
          eventsSecretEnv: envRefName(r.events?.secret) ?? null,
        } as Prisma.InputJsonValue,
        source: "config" as const,
      };
      const row = await tx.registry.upsert({ where: { name: r.name }, create: { name: r.name, ...data }, update: data });
      ids.set(r.name, row.id);
    }
    for (const e of cfg.environments) {
      const data = {
        order: e.order,
        registryId: ids.get(e.registry)!,
        namespace: e.namespace,
        protected: e.protected,
        policy: (e.gates ?? {}) as Prisma.InputJsonValue,
        retention: e.retention ? (e.retention as Prisma.InputJsonValue) : Prisma.DbNull,
        source: "config" as const,
      };
      await tx.environment.upsert({ where: { name: e.name }, create: { name: e.name, ...data }, update: data });
    }
    await tx.environment.deleteMany({ where: { source: "config", name: { notIn: cfg.environments.map((e) => e.name) } } });
    await tx.registry.deleteMany({ where: { source: "config", name: { notIn: cfg.registries.map((r) => r.name) } } });
    return { registries: cfg.registries.length, environments: cfg.environments.length };
  });
}
