/**
 * Targeted re-reads requested by registry events, on the embedded database (one process: see
 * reread-jobs.ts for the pg-boss queue every replica shares on PostgreSQL), run in the background of
 * the process that received the event: pending requests for the same repository collapse into one,
 * and at most two run at once, so a burst of pushes becomes a handful of reads. A re-read that fails
 * is logged (lib/log.ts strips the registry's control characters from every log line) and left to the
 * next sync: the event itself has already been applied.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import type { RereadRequest } from "./events/receive";
import { resyncRepository } from "./sync";

const CONCURRENT = 2;

/** The re-read itself, whichever queue runs it: the registry says what is true now. */
export async function rereadRepository(db: PrismaClient, req: RereadRequest): Promise<void> {
  const env = await db.environment.findUnique({ where: { name: req.environment }, include: { registry: true } });
  if (!env) return; // removed since the event came in
  await resyncRepository(db, { environment: env.name, namespace: env.namespace, provider: providerFor(env.registry) }, req.repository);
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
      pending.set(`${req.environment}\u0000${req.repository}`, req);
      pump();
    },
    /** resolves once nothing is pending or running (tests, shutdown) */
    drained(): Promise<void> {
      if (!running && !pending.size) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
