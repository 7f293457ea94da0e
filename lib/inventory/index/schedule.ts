/**
 * The periodic sync, run by the cluster-wide maintenance job (lib/boot-on-start.ts) once per
 * maintenance period: every environment gets an incremental sync, and a full one when its last full
 * sync is older than FULL_SYNC_EVERY_MS. On a plain OCI registry the full read is what catches a tag
 * that moved without its tag list changing; Harbor, ECR and Docker Hub are read through their own
 * APIs (push times, DescribeImages, last_updated: see read-by-api.ts), where the incremental read
 * starts at the environment's change cursor and the hourly full read re-lists everything, still
 * without manifest requests for what is indexed (Docker Hub's pull limit is precious).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import { describeRegistryError } from "@/lib/registry";
import { syncEnvironment, type SyncReport } from "./sync";

export const FULL_SYNC_EVERY_MS = 60 * 60_000;

export async function syncDueEnvironments(prisma: PrismaClient, now: Date = new Date()): Promise<{ environment: string; report?: SyncReport; error?: string }[]> {
  // the registry's environments: Docker Hub lists the repositories of their namespaces (it has no catalog)
  const envs = await prisma.environment.findMany({ include: { registry: { include: { environments: { select: { namespace: true } } } } }, orderBy: { order: "asc" } });
  const states = new Map((await prisma.inventorySyncState.findMany()).map((s) => [s.environment, s]));
  const out: { environment: string; report?: SyncReport; error?: string }[] = [];
  for (const env of envs) {
    const lastFull = states.get(env.name)?.lastFullAt;
    const mode = !lastFull || now.getTime() - lastFull.getTime() >= FULL_SYNC_EVERY_MS ? "full" : "incremental";
    try {
      const report = await syncEnvironment(prisma, { environment: env.name, namespace: env.namespace, provider: providerFor(env.registry) }, { mode });
      out.push({ environment: env.name, report });
    } catch (err) {
      // recorded on the environment's sync state (stale since…); the other environments still run
      out.push({ environment: env.name, error: describeRegistryError(err).message });
    }
  }
  return out;
}
