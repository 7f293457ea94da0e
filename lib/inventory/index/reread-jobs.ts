/**
 * Event re-reads as pg-boss jobs on PostgreSQL: the replica that received an event queues the
 * re-read, and whichever replica polls first runs it, so a replica that dies after answering the
 * registry loses nothing. Each job has a key: environment + repository for a whole-repository
 * re-read, + tag for an event that named its tag (one request to the registry), + digest for a scan
 * report. The queue's "short" policy keeps at most one job waiting per key, so repeated events for one
 * tag collapse into one read, plus one more if they go on while that one runs (it may have read too
 * early). Runs of one key never overlap (the later could apply an older read last): the worker holds a
 * PostgreSQL advisory lock on the key while it reads, which dies with a killed replica's session.
 *
 * Not pg-boss's "stately" policy (one waiting and one running per key, kept by a unique index): a
 * worker's fetch takes the oldest waiting job, and when that job's key is running elsewhere the fetch
 * fails on the index and returns nothing, so one tag pushed again while its re-read ran stalled every
 * re-read of every environment until that run ended; with a killed replica's run, until pg-boss
 * expired it (REREAD_JOB_TIMINGS: over ten minutes). test/inventory/reread-replica-kill.test.ts.
 *
 * On the embedded database the in-process queue (reread-queue.ts) does the same for its one process.
 */
import pg from "pg";
import PgBoss from "pg-boss";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { RereadRequest } from "./events/receive";
import { capTargeted, createRereadQueue, rereadRepository } from "./reread-queue";

const QUEUE = "dockmaster-inventory-reread";
const POLICY = "short";
/** advisory-lock class of re-read keys: the two-int form, apart from snapshot.ts's one-bigint repository locks */
const LOCK_CLASS = 0x52524544;

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
  const data: RereadRequest[] = [];
  if (req.tags) for (const tag of req.tags) data.push({ environment, repository, tags: [tag] });
  else if (!req.scansOnly) data.push({ environment, repository });
  for (const digest of req.scans ?? []) data.push({ environment, repository, scans: [digest], scansOnly: true as const });
  return data.map((d) => ({ data: d, singletonKey: keyOf(d) }));
}

/** a job's key, from its data (jobsOf's one tag, one scan digest, or neither) */
function keyOf(job: RereadRequest): string {
  const one = job.scansOnly ? job.scans?.[0] : job.tags?.[0];
  return one === undefined ? `${job.environment} ${job.repository}` : `${job.environment} ${job.repository} ${one}`;
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
  // one job at a time per replica; a second connection for a handler pg-boss gave up on (expireIn) that still holds one
  const locks = options.work === false ? null : new pg.Pool({ connectionString, max: 2, application_name: "dockmaster-inventory-locks" });
  locks?.on("error", (err) => console.error(`[inventory] re-read lock connection: ${err.message}`));
  if (locks) await boss.work<RereadRequest>(QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async ([job]) => {
    if (job) await oneAtATime(locks, keyOf(job.data), () => rereadRepository(prisma, job.data));
  });
  return {
    mode: "pg-boss",
    async enqueue(req) {
      // null when the same job is already waiting: that one will read what this event changed
      for (const job of jobsOf(req)) await boss.send(QUEUE, job.data, { singletonKey: job.singletonKey });
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, close: true, timeout: 5000 });
      await locks?.end();
    },
  };
}

/**
 * Runs `work` holding a session advisory lock on the key: another replica's run of the same key waits
 * (only that worker; the others go on with the queue). The lock lives on its own connection, so a
 * replica that dies mid-run releases it when PostgreSQL drops its session; a connection whose unlock
 * failed is closed rather than returned to the pool still holding the lock.
 */
async function oneAtATime(locks: pg.Pool, key: string, work: () => Promise<void>): Promise<void> {
  const client = await locks.connect();
  let clean = false;
  try {
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_CLASS, key]);
    try {
      await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, key]);
      clean = true;
    }
  } finally {
    client.release(!clean);
  }
}

/**
 * Replicas starting together race to create the queue (pg-boss creates a partition per queue, and two
 * concurrent creations can deadlock in PostgreSQL): the loser retries and finds it made.
 */
async function ensureQueue(boss: PgBoss, timings: RereadJobTimings): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const existing = await boss.getQueue(QUEUE);
    // made "stately" by an older version: the queue's new jobs follow the new policy (updateQueue
    // leaves every option it is not given as it was; the old jobs keep theirs and finish as before)
    if (existing && existing.policy !== POLICY) await boss.updateQueue(QUEUE, { name: QUEUE, policy: POLICY });
    if (existing) return;
    try {
      // a re-read is worth one more try (a registry blip); after that the next sync covers it
      await boss.createQueue(QUEUE, { name: QUEUE, policy: POLICY, retryLimit: 1, retryDelay: timings.retryDelaySeconds, expireInSeconds: timings.expireInSeconds });
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
