/**
 * Issue #11, "sync runs once at a time and survives killing the replica mid-sync": two replicas, each
 * its own Node process (sync-replica-child.ts), ask for a full sync of one environment on one
 * PostgreSQL database against a real docker-registry. The one holding the lease is killed with
 * SIGKILL in the middle of its sync while pushes keep arriving as registry events; the other takes
 * over once the (shortened) lease expires and completes. Afterwards: no overlapping syncs, one
 * 'created' event per tag, every tag of the registry in the index, every event applied.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveRegistryEvents } from "@/lib/inventory/index/events/receive";
import { createRereadQueue } from "@/lib/inventory/index/reread-queue";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { readBody } from "../harness/http-util";
import { buildImage } from "../harness/image-builder";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { writeBulkStorage } from "../harness/storage-seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "replica-events-secret";
const REPOSITORIES = 40;
const TAGS_PER_REPOSITORY = 3;
const LEASE_MS = 3000;
const EVENT_PUSHES = 6;

interface Line {
  owner: string;
  at: number;
  event: "ready" | "attempt" | "busy" | "synced";
  startedAt?: number;
  tags?: number;
  errors?: unknown[];
}

interface Replica {
  owner: string;
  child: ChildProcess;
  lines: Line[];
  exited: Promise<number | null>;
}

function startReplica(dbUrl: string, registryUrl: string, owner: string): Replica {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "sync-replica-child.ts"), dbUrl, registryUrl, "dev", owner, String(LEASE_MS)], {
    cwd: path.join(import.meta.dirname, "..", ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(JSON.parse(l) as Line));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { owner, child, lines, exited };
}

const replicas: Replica[] = [];

async function until<T>(what: () => Promise<T> | T, ok: (v: T) => boolean, ms: number, label: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${label}: not within ${ms} ms; replicas said ${JSON.stringify(replicas.map((r) => r.lines.slice(-3)))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("inventory sync with two replica processes on PostgreSQL", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let endpoint: LoopbackListener;
  let seeder: OciProvider;
  let queue: ReturnType<typeof createRereadQueue>;
  const answers: { status: number; applied: number }[] = [];

  beforeAll(async () => {
    db = await openTestDatabase("postgres");
    queue = createRereadQueue(async () => db.prisma);
    // the registry's events reach the index as the route hands them over, on a third "replica" (this process)
    endpoint = await listenOnLoopback(
      http.createServer(async (req, res) => {
        const body = (await readBody(req)).toString("utf8");
        const out = await receiveRegistryEvents(db.prisma, { registry: "dev-registry", authorization: req.headers.authorization ?? null, token: null, body }, { env: { DEV_EVENTS_SECRET: SECRET }, reread: (r) => queue.enqueue(r) });
        answers.push({ status: out.status, applied: "applied" in out.body ? out.body.applied : 0 });
        res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
      }),
    );
    registry = await startRegistry({ notifications: { url: `${endpoint.url}/api/v1/events/dev-registry`, headers: { Authorization: `Bearer ${SECRET}` } } });
    await writeBulkStorage(registry, { repositories: REPOSITORIES, tagsPerRepository: TAGS_PER_REPOSITORY, namespace: "dev" });
    const reg = await db.prisma.registry.create({ data: { name: "dev-registry", kind: "oci", url: registry.url, options: { eventsSecretEnv: "DEV_EVENTS_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    // The replicas read through a proxy that slows each manifest read a little, so a full sync lasts
    // seconds and can be killed in its middle.
    proxy = await startFaultProxy(registry.url);
    proxy.addRule({ method: "GET", path: /\/manifests\//, action: { kind: "delay", ms: 40 } });
  });
  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    await queue?.drained();
    await seeder?.close();
    await proxy?.stop();
    await registry?.stop();
    await endpoint?.close();
    await db?.dispose();
  });

  it("runs one sync at a time; when the lease holder is killed mid-sync the other completes, with no duplicate and nothing lost", async () => {
    replicas.push(startReplica(db.target, proxy.url, "replica-a"), startReplica(db.target, proxy.url, "replica-b"));
    const total = REPOSITORIES * TAGS_PER_REPOSITORY;
    const indexed = async () => {
      // a replica that cannot even start fails the test at once rather than by a timeout
      for (const r of replicas) if (r.child.exitCode !== null) throw new Error(`${r.owner} exited with ${r.child.exitCode}`);
      return db.prisma.inventoryTag.count({ where: { environment: "dev" } });
    };

    // Whoever took the lease is mid-sync once some of its rows are in and most are not.
    await until(indexed, (n) => n > 0, 150_000, "the first sync writing rows");
    const state = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    const holder = replicas.find((r) => r.owner === state.leaseOwner)!;
    const other = replicas.find((r) => r !== holder)!;
    expect(holder).toBeDefined();
    const before = await indexed();
    expect(before).toBeLessThan(total);
    holder.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await holder.exited).toBeNull();
    expect(holder.lines.some((l) => l.event === "synced")).toBe(false);

    // While nobody syncs, pushes keep arriving as registry events.
    const image = buildImage({ layerSize: 64 });
    const pushed = Array.from({ length: EVENT_PUSHES }, (_, i) => ({ repository: `dev/during-kill-${i % 2}`, tag: `k${i}` }));
    for (const p of pushed) await pushImage(seeder, p.repository, image, p.tag);

    const synced = await until(() => other.lines.find((l) => l.event === "synced"), (l) => l !== undefined, 150_000, "the surviving replica completing a sync");
    expect(await other.exited).toBe(0);
    await until(() => answers.length >= EVENT_PUSHES, Boolean, 10_000, "every event delivered");
    await queue.drained();

    // At most one sync at a time: the survivor was refused while the holder lived, and its own sync
    // began only after the holder's lease ran out.
    expect(other.lines.filter((l) => l.event === "busy" && l.at < killedAt).length).toBeGreaterThan(0);
    expect(synced!.startedAt!).toBeGreaterThanOrEqual(killedAt);
    expect(synced!.errors).toEqual([]);
    const after = await db.prisma.inventorySyncState.findUniqueOrThrow({ where: { environment: "dev" } });
    expect(after).toMatchObject({ leaseOwner: null, error: null, staleSince: null });
    expect(after.lastFullAt).toBeInstanceOf(Date);

    // Nothing lost: every tag the registry has now is in the index, the pushed ones included.
    const registryTags: string[] = [];
    for (const repository of (await seeder.listRepositories({ pageSize: 1000 })).items) {
      for (const tag of (await seeder.listTags(repository, { pageSize: 1000 })).items) registryTags.push(`${repository}:${tag}`);
    }
    const rows = await db.prisma.inventoryTag.findMany({ where: { environment: "dev" }, select: { repository: true, tag: true } });
    expect(rows.map((r) => `${r.repository}:${r.tag}`).sort()).toEqual(registryTags.sort());
    expect(registryTags).toHaveLength(total + EVENT_PUSHES);
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(answers.reduce((n, a) => n + a.applied, 0)).toBeGreaterThanOrEqual(EVENT_PUSHES);

    // No duplicate: each tag was created exactly once, whichever of the replicas or the events saw it first.
    const created = await db.prisma.inventoryTagEvent.groupBy({ by: ["repository", "tag"], where: { environment: "dev", kind: "created" }, _count: { _all: true } });
    expect(created).toHaveLength(total + EVENT_PUSHES);
    expect(created.filter((c) => c._count._all !== 1)).toEqual([]);
    expect(await db.prisma.inventoryTagEvent.count({ where: { environment: "dev", kind: { not: "created" } } })).toBe(0);
    // about 20 s on a quiet machine (two Node + tsx + Prisma start-ups included); the margin is for a
    // machine shared with other work, where the same run has taken minutes
  }, 300_000);
});
