/**
 * Event re-reads as pg-boss jobs on PostgreSQL: the replica that received an event queues the
 * re-read, and whichever replica polls first runs it, so a replica that dies after answering the
 * registry loses nothing. The queue's "stately" policy keeps at most one waiting and one running job
 * per singleton key: environment + repository for a whole-repository re-read, + tag for an event that
 * named its tag (one request to the registry), + digest for a scan report. Repeated events for one tag
 * collapse into one read, plus one more if they go on while that one runs (it may have read too early).
 * On the embedded database the in-process queue (reread-queue.ts) does the same for its one process.
 */
import PgBoss from "pg-boss";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { RereadRequest } from "./events/receive";
import { capTargeted, createRereadQueue, rereadRepository } from "./reread-queue";

const QUEUE = "dockmaster-inventory-reread";

export interface RereadQueue {
  readonly mode: "pg-boss" | "in-process";
  enqueue(req: RereadRequest): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One job per named tag (or per repository when the event named none, or named too many), and one per
 * digest's scan report, each collapsing only with its own kind: a waiting tag re-read must not swallow
 * a scan report's read, nor the other way round. A tag job and a whole-repository job for the same
 * repository may both run: harmless, since applying an observation twice changes nothing.
 * (PostgreSQL text cannot hold NUL; a space can be in neither an environment name, a repository nor a
 * tag, so the keys cannot collide.)
 */
function jobsOf(request: RereadRequest): { data: RereadRequest; singletonKey: string }[] {
  const req = capTargeted(request);
  const { environment, repository } = req;
  const jobs: { data: RereadRequest; singletonKey: string }[] = [];
  if (req.tags) for (const tag of req.tags) jobs.push({ data: { environment, repository, tags: [tag] }, singletonKey: `${environment} ${repository} ${tag}` });
  else if (!req.scansOnly) jobs.push({ data: { environment, repository }, singletonKey: `${environment} ${repository}` });
  for (const digest of req.scans ?? []) jobs.push({ data: { environment, repository, scans: [digest], scansOnly: true as const }, singletonKey: `${environment} ${repository} ${digest}` });
  return jobs;
}

/**
 * How soon a re-read whose replica died (SIGKILL, OOM, a lost node) runs again elsewhere: pg-boss
 * counts a job still "active" after expireInSeconds as failed, but only when some replica's
 * maintenance runs (every maintenanceIntervalSeconds, one replica at a time), and then queues its one
 * retry retryDelaySeconds later. So in production the worst case is about 10 + 2 min + 30 s; that is
 * acceptable because the event itself is already applied and the next sync reads the truth anyway.
 * expireInSeconds is also the longest one re-read may run (pg-boss gives up on its handler then): a
 * whole-repository re-read of a large repository must fit. Tests shorten all three (the kill test in
 * test/inventory/reread-replica-kill.test.ts). The first two are the queue's: they take effect when
 * the queue is created, not on an existing one.
 */
export const REREAD_JOB_TIMINGS = { expireInSeconds: 600, retryDelaySeconds: 30, maintenanceIntervalSeconds: 120 } as const;
export type RereadJobTimings = { [K in keyof typeof REREAD_JOB_TIMINGS]: number };

/** `work: false`: this process only queues (the others run the jobs) */
export async function startPgBossRereads(
  connectionString: string,
  prisma: PrismaClient,
  options: { schema?: string; pollingIntervalSeconds?: number; work?: boolean; timings?: Partial<RereadJobTimings> } = {},
): Promise<RereadQueue> {
  const timings = { ...REREAD_JOB_TIMINGS, ...options.timings };
  const boss = new PgBoss({ connectionString, schema: options.schema ?? "pgboss", max: 2, application_name: "dockmaster-inventory", supervise: true, schedule: false, maintenanceIntervalSeconds: timings.maintenanceIntervalSeconds });
  boss.on("error", (err) => console.error(`[inventory] pg-boss: ${err.message}`));
  await boss.start();
  await ensureQueue(boss, timings);
  if (options.work !== false) await boss.work<RereadRequest>(QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async ([job]) => {
    if (job) await rereadRepository(prisma, job.data);
  });
  return {
    mode: "pg-boss",
    async enqueue(req) {
      // null when the same job is already waiting: that one will read what this event changed
      for (const job of jobsOf(req)) await boss.send(QUEUE, job.data, { singletonKey: job.singletonKey });
    },
    stop: () => boss.stop({ graceful: true, wait: true, close: true, timeout: 5000 }),
  };
}

/**
 * Replicas starting together race to create the queue (pg-boss creates a partition per queue, and two
 * concurrent creations can deadlock in PostgreSQL): the loser retries and finds it made.
 */
async function ensureQueue(boss: PgBoss, timings: RereadJobTimings): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(QUEUE)) return;
    try {
      // a re-read is worth one more try (a registry blip); after that the next sync covers it
      await boss.createQueue(QUEUE, { name: QUEUE, policy: "stately", retryLimit: 1, retryDelay: timings.retryDelaySeconds, expireInSeconds: timings.expireInSeconds });
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "23505")) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

function inProcessRereads(prisma: () => Promise<PrismaClient>): RereadQueue & { drained(): Promise<void> } {
  const queue = createRereadQueue(prisma);
  return { mode: "in-process", enqueue: async (req) => queue.enqueue(req), drained: () => queue.drained(), stop: () => queue.drained() };
}

const holder = globalThis as unknown as { __dmRereads?: RereadQueue };

/** The pg-boss queue once boot started it (lib/boot-on-start.ts); until then, and on PGlite, the in-process one. */
export function rereadQueue(prisma: () => Promise<PrismaClient>): RereadQueue {
  return (holder.__dmRereads ??= inProcessRereads(prisma));
}

export async function startRereadQueue(setup: { prisma: PrismaClient; database: "postgres" | "pglite"; url?: string }): Promise<RereadQueue> {
  if (holder.__dmRereads?.mode === "pg-boss") return holder.__dmRereads;
  if (setup.database === "postgres" && setup.url) holder.__dmRereads = await startPgBossRereads(setup.url, setup.prisma);
  return rereadQueue(async () => setup.prisma);
}
