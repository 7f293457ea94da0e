import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * What registry-backed tests start, stopped in the order given, each whether or not it got started
 * (a beforeAll that failed half-way leaves some undefined): clients close, proxies and registries
 * stop, databases are disposed.
 */
interface Stoppable {
  close?: () => Promise<unknown> | void;
  stop?: () => Promise<unknown> | void;
  dispose?: () => Promise<unknown> | void;
}

export async function stopAll(...things: (Stoppable | undefined | null)[]): Promise<void> {
  for (const t of things) {
    if (!t) continue;
    // a test database has close() too, but only dispose() also drops it
    if (t.dispose) await t.dispose();
    else if (t.stop) await t.stop();
    else if (t.close) await t.close();
  }
}

/** One registry row per environment (`<name>-registry`, at `url`), each environment's namespace its own name, ordered as listed. */
export async function createEnvironments(prisma: PrismaClient, url: string, names: readonly string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    const reg = await prisma.registry.create({ data: { name: `${name}-registry`, kind: "oci", url } });
    await prisma.environment.create({ data: { name, order: i + 1, registryId: reg.id, namespace: name } });
  }
}
