/**
 * Targeted re-reads requested by registry events, on the embedded database (one process: see
 * reread-jobs.ts for the pg-boss queue every replica shares on PostgreSQL), run in the background of
 * the process that received the event: pending requests for the same repository collapse into one,
 * and at most two run at once, so a burst of pushes becomes a handful of reads. A re-read that fails
 * is logged (lib/log.ts strips the registry's control characters from every log line) and left to the
 * next sync: the event itself has already been applied. A scan-completed event asks for the digest's
 * scan report only (scans.ts), not for the repository's tags; one that names its tags asks for those
 * tags alone (one request each), and only events that name none, or more than MAX_TARGETED_TAGS
 * pending for one repository (a burst), cost a re-read of the whole repository.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { providerFor } from "@/lib/inventory/connection";
import type { RereadRequest } from "./events/receive";
import { readScanIntoIndex } from "./scans";
import { rereadTags, resyncRepository } from "./sync";

const CONCURRENT = 2;
/** beyond this many tags waiting for one repository, one read of its tag list is the cheaper way */
const MAX_TARGETED_TAGS = 16;

/** The re-read itself, whichever queue runs it: the registry says what is true now. */
export async function rereadRepository(db: PrismaClient, req: RereadRequest): Promise<void> {
  const env = await db.environment.findUnique({ where: { name: req.environment }, include: { registry: true } });
  if (!env) return; // removed since the event came in
  const provider = providerFor(env.registry);
  const target = { environment: env.name, namespace: env.namespace, provider };
  if (req.tags) await rereadTags(db, target, req.repository, req.tags);
  else if (!req.scansOnly) await resyncRepository(db, target, req.repository);
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

/**
 * Two pending requests for one repository: one read does for both. The whole repository covers any
 * tags; named tags add up until there are too many to read one by one.
 */
function mergeRereads(a: RereadRequest | undefined, b: RereadRequest): RereadRequest {
  if (!a) return capTargeted(b);
  const scans = [...new Set([...(a.scans ?? []), ...(b.scans ?? [])])];
  const base = { environment: b.environment, repository: b.repository, ...(scans.length ? { scans } : {}) };
  if (a.scansOnly && b.scansOnly) return { ...base, scansOnly: true };
  const whole = [a, b].some((r) => !r.scansOnly && !r.tags);
  const tags = [...new Set([...(a.tags ?? []), ...(b.tags ?? [])])];
  return capTargeted(whole ? base : { ...base, tags });
}

/** Too many named tags for one repository (a burst, or a batch naming many): read the whole repository once instead. */
export function capTargeted(req: RereadRequest): RereadRequest {
  if (!req.tags || req.tags.length <= MAX_TARGETED_TAGS) return req;
  const { tags: _tags, ...whole } = req;
  return whole;
}
