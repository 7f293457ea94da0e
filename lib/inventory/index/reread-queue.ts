/**
 * Targeted re-reads requested by registry events, on the embedded database (one process: see
 * reread-jobs.ts for the pg-boss queue every replica shares on PostgreSQL), run in the background of
 * the process that received the event: pending requests for the same repository collapse into one,
 * and at most two run at once, so a burst of pushes becomes a handful of reads. A re-read that fails
 * is logged (lib/log.ts strips the registry's control characters from every log line) and left to the
 * next sync: the event itself has already been applied. A scan-completed event asks for the digest's
 * scan report only (scans.ts), not for the repository's tags.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import type { RereadRequest } from "./events/receive";
import { readScanIntoIndex } from "./scans";
import { resyncRepository } from "./sync";

const CONCURRENT = 2;

/** The re-read itself, whichever queue runs it: the registry says what is true now. */
export async function rereadRepository(db: PrismaClient, req: RereadRequest): Promise<void> {
  const env = await db.environment.findUnique({ where: { name: req.environment }, include: { registry: true } });
  if (!env) return; // removed since the event came in
  const provider = providerFor(env.registry);
  if (!req.scansOnly) await resyncRepository(db, { environment: env.name, namespace: env.namespace, provider }, req.repository);
  for (const digest of req.scans ?? []) await readScanIntoIndex(db, provider, { environment: env.name, repository: req.repository, digest, registry: env.registry.name });
}

export function createRereadQueue(prisma: () => Promise<PrismaClient>) {
  const pending = new Map<string, RereadRequest>();
  let running = 0;
  const idle: (() => void)[] = [];

  const pump = () => {
    while (running < CONCURRENT && pending.size) {
      const [key, req] = pending.entries().next().value as [string, RereadRequest];
      pending.delete(key);
      running++;
      void reread(req)
        .catch((err) => console.error(`[inventory] re-reading ${req.environment}/${req.repository} after a registry event failed: ${(err as Error).message}`))
        .finally(() => {
          running--;
          pump();
          if (!running && !pending.size) for (const done of idle.splice(0)) done();
        });
    }
  };

  const reread = async (req: RereadRequest) => rereadRepository(await prisma(), req);

  return {
    enqueue(req: RereadRequest) {
      const key = `${req.environment}\u0000${req.repository}`;
      pending.set(key, mergeRereads(pending.get(key), req));
      pump();
    },
    /** resolves once nothing is pending or running (tests, shutdown) */
    drained(): Promise<void> {
      if (!running && !pending.size) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}

/** Two pending requests for one repository: one read does for both. */
function mergeRereads(a: RereadRequest | undefined, b: RereadRequest): RereadRequest {
  if (!a) return b;
  const scans = [...new Set([...(a.scans ?? []), ...(b.scans ?? [])])];
  return { environment: b.environment, repository: b.repository, ...(scans.length ? { scans } : {}), ...(a.scansOnly && b.scansOnly ? { scansOnly: true as const } : {}) };
}
