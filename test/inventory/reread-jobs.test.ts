/**
 * Event re-reads as pg-boss jobs on PostgreSQL: a push event queues one job for the tag it names (the
 * queue's singleton key: environment + repository + tag), a burst of duplicate events collapses into
 * that one waiting job, an event that names no tag (or too many) queues one job for the whole
 * repository, and a replica other than the one that received the event runs the jobs against a real
 * docker-registry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import PgBoss from "pg-boss";
import { receiveRegistryEvents } from "@/lib/inventory/index/events/receive";
import { startPgBossRereads, type RereadQueue } from "@/lib/inventory/index/reread-jobs";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "reread-events-secret";
const env = { DEV_EVENTS_SECRET: SECRET };

describe("event re-reads as pg-boss jobs on PostgreSQL", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let seeder: OciProvider;
  let receiver: RereadQueue;
  let worker: RereadQueue | undefined;
  let sql: pg.Client;
  const digests: Record<string, string> = {};
  const push = (id: string, repository: string, tag: string, digest: string) => ({ id, timestamp: new Date().toISOString(), action: "push", target: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, repository, tag }, actor: { name: "ci" } });
  const post = (events: unknown[]) =>
    receiveRegistryEvents(db.prisma, { registry: "dev-registry", authorization: `Bearer ${SECRET}`, token: null, body: JSON.stringify({ events }) }, { env, reread: (r) => receiver.enqueue(r) });
  const jobs = async () =>
    (await sql.query<{ singleton_key: string; state: string; data: { environment: string; repository: string; tags?: string[] } }>(`SELECT singleton_key, state, data FROM pgboss.job WHERE name = 'dockmaster-inventory-reread' ORDER BY created_on`)).rows;

  beforeAll(async () => {
    db = await openTestDatabase("postgres");
    registry = await startRegistry({ deleteEnabled: true });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    const v1 = buildImage({ layerCount: 1 });
    digests.api = await pushImage(seeder, "dev/api", v1, "1.0");
    await pushImage(seeder, "dev/api", v1, "1.1"); // in the registry, but no event names it: only a re-read finds it
    digests.web = await pushImage(seeder, "dev/web", buildImage({ layerCount: 1 }), "1.0");
    const reg = await db.prisma.registry.create({ data: { name: "dev-registry", kind: "oci", url: registry.url, options: { eventsSecretEnv: "DEV_EVENTS_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    // the replica that receives events only queues; another one runs the jobs (started below)
    receiver = await startPgBossRereads(db.target, db.prisma, { work: false });
    sql = new pg.Client({ connectionString: db.target });
    await sql.connect();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await receiver?.stop();
    await sql?.end();
    await seeder?.close();
    await registry?.stop();
    await db?.dispose();
  });

  it("a push queues one job for the tag it names, and a burst of duplicates collapses into it", async () => {
    const answer = await post([push("e1", "dev/api", "1.0", digests.api!), push("e2", "dev/web", "1.0", digests.web!)]);
    expect(answer).toMatchObject({ status: 202, body: { applied: 2 } });
    expect((await jobs()).map((j) => [j.singleton_key, j.data]).sort()).toEqual([
      ["dev dev/api 1.0", { environment: "dev", repository: "dev/api", tags: ["1.0"] }],
      ["dev dev/web 1.0", { environment: "dev", repository: "dev/web", tags: ["1.0"] }],
    ]);
    // twenty more events for dev/api:1.0 (new ids, so each is applied) while its job still waits
    for (let i = 0; i < 20; i++) expect((await post([push(`burst-${i}`, "dev/api", "1.0", digests.api!)])).status).toBe(202);
    const waiting = await jobs();
    expect(waiting).toHaveLength(2);
    expect(waiting.every((j) => j.state === "created")).toBe(true);
  });

  it("a push by digest names no tag: one job for the whole repository", async () => {
    const byDigest = { ...push("e3", "dev/api", "", digests.api!), target: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: digests.api!, repository: "dev/api" } };
    expect(await post([byDigest])).toMatchObject({ status: 202, body: { applied: 1 } });
    const whole = (await jobs()).filter((j) => j.singleton_key === "dev dev/api");
    expect(whole.map((j) => j.data)).toEqual([{ environment: "dev", repository: "dev/api" }]);
  });

  it("one envelope naming more tags of one repository than are worth reading one by one queues the whole repository", async () => {
    const many = Array.from({ length: 17 }, (_, i) => push(`many-${i}`, "dev/web", `t${i}`, digests.web!));
    expect(await post(many)).toMatchObject({ status: 202, body: { applied: 17 } });
    const web = (await jobs()).filter((j) => j.data.repository === "dev/web");
    expect(web.map((j) => j.singleton_key).sort()).toEqual(["dev dev/web", "dev dev/web 1.0"]);
  });

  it("another replica runs the jobs, and the whole-repository re-read brings in what no event named", async () => {
    expect(await db.prisma.inventoryTag.findMany({ where: { repository: "dev/api" }, select: { tag: true } })).toEqual([{ tag: "1.0" }]);
    worker = await startPgBossRereads(db.target, db.prisma, { pollingIntervalSeconds: 0.5 });
    const t0 = Date.now();
    while ((await jobs()).some((j) => j.state !== "completed")) {
      if (Date.now() - t0 > 30_000) throw new Error(`jobs not done: ${JSON.stringify(await jobs())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const tags = await db.prisma.inventoryTag.findMany({ where: { environment: "dev" }, orderBy: [{ repository: "asc" }, { tag: "asc" }], select: { repository: true, tag: true, digest: true } });
    expect(tags).toEqual([
      { repository: "dev/api", tag: "1.0", digest: digests.api },
      { repository: "dev/api", tag: "1.1", digest: digests.api },
      { repository: "dev/web", tag: "1.0", digest: digests.web },
    ]);
    const found = await db.prisma.inventoryTagEvent.findFirstOrThrow({ where: { repository: "dev/api", tag: "1.1" } });
    expect(found).toMatchObject({ kind: "created", source: "event" });
  }, 60_000);

  it("a queue an older version made 'stately' is switched to 'short' on start, its other settings kept", async () => {
    const old = new PgBoss({ connectionString: db.target, schema: "pgboss_old", supervise: false, schedule: false });
    await old.start();
    await old.createQueue("dockmaster-inventory-reread", { name: "dockmaster-inventory-reread", policy: "stately", retryLimit: 1, retryDelay: 30, expireInSeconds: 600 });
    await old.stop({ graceful: false, close: true });
    const queue = await startPgBossRereads(db.target, db.prisma, { schema: "pgboss_old", work: false });
    await queue.stop();
    const { rows } = await sql.query(`SELECT policy, retry_limit, retry_delay, expire_seconds FROM pgboss_old.queue WHERE name = 'dockmaster-inventory-reread'`);
    expect(rows).toEqual([{ policy: "short", retry_limit: 1, retry_delay: 30, expire_seconds: 600 }]);
  }, 60_000);
});
