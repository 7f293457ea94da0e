/**
 * The periodic sync, run by the cluster-wide maintenance job (lib/boot-on-start.ts): each environment
 * on a plain OCI registry gets an incremental sync, and a full one when its last full sync is older
 * than FULL_SYNC_EVERY_MS (a plain registry can move a tag without its tag list changing; only a full
 * read or an event shows that). Harbor, ECR and Docker Hub answer "what changed" through their own
 * APIs (push times, last_updated), which the sync does not use yet, so they are left to events and
 * explicit syncs rather than read tag by tag on a timer (Docker Hub's pull limit is precious).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import { describeRegistryError } from "@/lib/registry";
import { syncEnvironment, type SyncReport } from "./sync";

export const FULL_SYNC_EVERY_MS = 60 * 60_000;


export async function syncDueEnvironments(prisma: PrismaClient, now: Date = new Date()): Promise<{ environment: string; report?: SyncReport; error?: string }[]> {
  const envs = await prisma.environment.findMany({ where: { registry: { kind: "oci" } }, include: { registry: true }, orderBy: { order: "asc" } });
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
