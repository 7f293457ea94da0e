/**
 * Issue "Inventory index", a replica killed mid-job: two replicas, each its own Node process
 * (reread-replica-child.ts), share one PostgreSQL database and run the pg-boss re-read worker. A real
 * docker-registry sends its push events through a small load balancer (this process) to either
 * replica. The registry is read through a fault proxy that stalls the re-read of one tag, so the
 * replica that took that job hangs on it; it is killed with SIGKILL. The other replica must run the
 * job once pg-boss expires it (shortened to seconds by the child), and meanwhile keep serving events
 * and other re-reads. Afterwards: the tag indexed with its digest and its manifest read, one 'created'
 * event, every event of every envelope answered 202 recorded, and the survivor's read in the proxy log.
 * Then, with two live replicas: two re-reads of one tag run on both, yet their reads never overlap.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { readBody } from "../harness/http-util";
import { buildImage } from "../harness/image-builder";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "reread-kill-events-secret";
const QUEUE = "dockmaster-inventory-reread";

interface Replica {
  owner: string;
  child: ChildProcess;
  ready: Promise<{ url: string; pid: number }>;
  exited: Promise<number | null>;
}

function startReplica(dbUrl: string, owner: string): Replica {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "reread-replica-child.ts"), dbUrl, owner, SECRET], {
    cwd: path.join(import.meta.dirname, "..", ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<{ url: string; pid: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (l) => resolve(JSON.parse(l) as { url: string; pid: number }));
    void exited.then((code) => reject(new Error(`${owner} exited with ${code} before it was ready`)));
  });
  return { owner, child, ready, exited };
}

const alive = (r: Replica) => r.child.exitCode === null && r.child.signalCode === null;

/** Which process owns the TCP socket whose local port this is (Linux /proc): who sent a request. */
function ownerOfPort(port: number, replicas: Replica[]): Replica | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && parseInt(cols[1]!.split(":").pop()!, 16) === port) inodes.add(cols[9]!);
    }
  }
  return replicas.find((r) => {
    if (!alive(r)) return false;
    const dir = `/proc/${r.child.pid}/fd`;
    return fs.readdirSync(dir).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`${dir}/${fd}`))?.[1] ?? "");
      } catch {
        return false; // closed meanwhile
      }
    });
  });
}

async function until<T>(what: () => Promise<T> | T, ok: (v: T) => boolean, ms: number, label: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${label}: not within ${ms} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Envelope {
  status: number;
  /** the ids of the manifest pushes it carried: each must have left a receipt */
  pushIds: string[];
}

describe("event re-reads on PostgreSQL when the replica running one is killed", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let balancer: LoopbackListener;
  let seeder: OciProvider;
  let sql: pg.Client;
  const replicas: Replica[] = [];
  const replicaUrls: string[] = [];
  const envelopes: Envelope[] = [];
  let turn = 0;

  beforeAll(async () => {
    db = await openTestDatabase("postgres");
    // The registry's events go to whichever replica is up, round robin, as a load balancer would.
    balancer = await listenOnLoopback(
      http.createServer(async (req, res) => {
        const body = (await readBody(req)).toString("utf8");
        const parsed = JSON.parse(body) as { events?: { id: string; action: string; target?: { mediaType?: string } }[] };
        const pushIds = (parsed.events ?? []).filter((e) => e.action === "push" && /manifest/.test(e.target?.mediaType ?? "")).map((e) => e.id);
        let status = 502;
        for (let i = 0; i < replicaUrls.length && status === 502; i++) {
          const url = replicaUrls[turn++ % replicaUrls.length]!;
          try {
            const answer = await fetch(`${url}${req.url}`, { method: "POST", headers: { authorization: req.headers.authorization ?? "", "content-type": "application/json" }, body });
            status = answer.status;
          } catch {
            // that replica is gone: the next one
          }
        }
        envelopes.push({ status, pushIds });
        res.writeHead(status).end();
      }),
    );
    registry = await startRegistry({ notifications: { url: `${balancer.url}/api/v1/events/dev-registry`, headers: { Authorization: `Bearer ${SECRET}` }, ignoreActions: ["pull"] } });
    proxy = await startFaultProxy(registry.url);
    // the replicas read the registry through the proxy
    const reg = await db.prisma.registry.create({ data: { name: "dev-registry", kind: "oci", url: proxy.url, options: { eventsSecretEnv: "DEV_EVENTS_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    sql = new pg.Client({ connectionString: db.target });
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) if (alive(r)) r.child.kill("SIGKILL");
    await Promise.all(replicas.map((r) => r.exited));
    await sql?.end();
    await seeder?.close();
    await proxy?.stop();
    await registry?.stop();
    await balancer?.close();
    await db?.dispose();
  });

  const jobsOf = async (key: string) =>
    (await sql.query<{ state: string; retry_count: number; started_on: Date | null }>(`SELECT state, retry_count, started_on FROM pgboss.job WHERE name = $1 AND singleton_key = $2 ORDER BY created_on`, [QUEUE, key])).rows;

  it("the other replica runs the killed replica's re-read after it expires: nothing lost, nothing twice", async () => {
    replicas.push(startReplica(db.target, "replica-a"), startReplica(db.target, "replica-b"));
    for (const r of replicas) replicaUrls.push((await r.ready).url);

    // The first read of dev/app:1.0 hangs far longer than the job may run.
    const stalled = proxy.addRule({ method: "GET", path: /^\/v2\/dev\/app\/manifests\/1\.0$/, times: 1, action: { kind: "delay", ms: 30_000 } });
    const appDigest = await pushImage(seeder, "dev/app", buildImage({ layerCount: 1 }), "1.0");
    await until(() => stalled.hits(), (n) => n === 1, 20_000, "a replica starting the re-read of dev/app:1.0");
    const request = proxy.requestsTo(/^\/v2\/dev\/app\/manifests\/1\.0$/, "GET")[0]!;
    const holder = ownerOfPort(request.remotePort!, replicas);
    expect(holder).toBeDefined();
    const survivor = replicas.find((r) => r !== holder)!;
    // the event itself is in the index already; the job is active, held by the replica about to die
    expect(await db.prisma.inventoryTag.findMany({ where: { environment: "dev", repository: "dev/app" }, select: { tag: true, digest: true } })).toEqual([{ tag: "1.0", digest: appDigest }]);
    expect((await jobsOf("dev dev/app 1.0")).map((j) => j.state)).toEqual(["active"]);

    holder!.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await holder!.exited).toBeNull();

    // While the dead replica's job is still "active", events keep coming (to the survivor), one of them
    // for the very tag the dead job holds (CI pushed a new image to it), and the other's re-read runs:
    // the queue is not stuck behind the dead job, nor behind the second job for its tag.
    const movedDigest = await pushImage(seeder, "dev/app", buildImage({ layerCount: 1 }), "1.0");
    await until(() => jobsOf("dev dev/app 1.0"), (jobs) => jobs.length === 2, 10_000, "the repeated push queueing a second re-read of dev/app:1.0");
    const otherDigest = await pushImage(seeder, "dev/other", buildImage({ layerCount: 1 }), "2.0");
    await until(() => jobsOf("dev dev/other 2.0"), (jobs) => jobs.length === 1 && jobs[0]!.state === "completed", 20_000, "the survivor re-reading dev/other:2.0");
    // ... long before the dead job expires (the child gives it 10 s), and the second read of the tag did
    // not wait for it either: the dead replica's lock on the tag went with its database session.
    await until(() => jobsOf("dev dev/app 1.0").then((jobs) => jobs[1]!.state), (state) => state === "completed", 10_000, "the repeated push's re-read");
    expect((await jobsOf("dev dev/app 1.0"))[0]).toMatchObject({ state: "active", retry_count: 0 });
    expect(await db.prisma.inventoryManifest.count({ where: { digest: otherDigest } })).toBe(1);

    // The dead replica's job: expired, retried, and run by the survivor, which read the registry again.
    const retried = await until(() => jobsOf("dev dev/app 1.0").then((jobs) => jobs[0]!), (job) => job.state === "completed", 30_000, "the survivor completing the killed replica's job");
    expect(retried.retry_count).toBe(1);
    const reads = proxy.requestsTo(/^\/v2\/dev\/app\/manifests\/1\.0$/);
    expect(reads[0]).toMatchObject({ method: "GET", fault: "delay" });
    expect(reads.filter((r) => r.at > killedAt && r.fault === undefined).length).toBeGreaterThanOrEqual(2);
    expect(reads.some((r) => r.at >= retried.started_on!.getTime() - 50)).toBe(true);
    expect(alive(survivor)).toBe(true);

    // The tag, with its latest digest and the manifest only a re-read could bring; created once, moved once.
    expect(await db.prisma.inventoryTag.findMany({ where: { environment: "dev" }, orderBy: { repository: "asc" }, select: { repository: true, tag: true, digest: true } })).toEqual([
      { repository: "dev/app", tag: "1.0", digest: movedDigest },
      { repository: "dev/other", tag: "2.0", digest: otherDigest },
    ]);
    // (the first image's manifest was never read: the only read of it died with its replica, and no tag names it any more)
    expect(await db.prisma.inventoryManifest.count({ where: { digest: movedDigest } })).toBe(1);
    const events = await db.prisma.inventoryTagEvent.findMany({ where: { environment: "dev" }, orderBy: [{ repository: "asc" }, { id: "asc" }], select: { repository: true, tag: true, kind: true, digest: true } });
    expect(events).toEqual([
      { repository: "dev/app", tag: "1.0", kind: "created", digest: appDigest },
      { repository: "dev/app", tag: "1.0", kind: "moved", digest: movedDigest },
      { repository: "dev/other", tag: "2.0", kind: "created", digest: otherDigest },
    ]);

    // Nothing lost: every push in every envelope answered 202 left its receipt, and each envelope was.
    expect(envelopes.length).toBeGreaterThanOrEqual(3);
    expect(envelopes.filter((e) => e.status !== 202)).toEqual([]);
    const receipts = new Set((await db.prisma.inventoryEventReceipt.findMany({ where: { registry: "dev-registry" } })).map((r) => r.eventId));
    const pushed = envelopes.flatMap((e) => e.pushIds);
    expect(pushed.length).toBe(3);
    expect(pushed.filter((id) => !receipts.has(id))).toEqual([]);
    expect(receipts.size).toBe(new Set(pushed).size);
  }, 60_000);

  it("two runs of one tag's re-read never overlap: the second replica waits for the first one's read", async () => {
    // the survivor and a fresh replica (the dead one's address stays in the balancer: it fails over)
    replicas.push(startReplica(db.target, "replica-c"));
    replicaUrls.push((await replicas.at(-1)!.ready).url);
    const STALL_MS = 3000;
    const stalled = proxy.addRule({ method: "GET", path: /^\/v2\/dev\/lock\/manifests\/1\.0$/, times: 1, action: { kind: "delay", ms: STALL_MS } });
    const first = await pushImage(seeder, "dev/lock", buildImage({ layerCount: 1 }), "1.0");
    await until(() => stalled.hits(), (n) => n === 1, 20_000, "a replica starting the re-read of dev/lock:1.0");
    // while that read hangs, a new image for the tag: its job is taken by the other replica (this one is busy)
    const second = await pushImage(seeder, "dev/lock", buildImage({ layerCount: 1 }), "1.0");
    const [one, two] = await until(() => jobsOf("dev dev/lock 1.0"), (jobs) => jobs.length === 2 && jobs.every((j) => j.state === "completed"), 20_000, "both re-reads of dev/lock:1.0");
    const done = (await sql.query<{ completed_on: Date }>(`SELECT completed_on FROM pgboss.job WHERE name = $1 AND singleton_key = 'dev dev/lock 1.0' ORDER BY created_on`, [QUEUE])).rows;
    // the second job was running while the first still was (another replica took it) ...
    expect(two!.started_on!.getTime()).toBeLessThan(done[0]!.completed_on.getTime());
    expect(one!.retry_count + two!.retry_count).toBe(0);
    // ... yet it read the registry only after the first read was answered
    const reads = proxy.requestsTo(/^\/v2\/dev\/lock\/manifests\/1\.0$/);
    expect(reads[0]!.fault).toBe("delay");
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(STALL_MS - 100);
    expect(await db.prisma.inventoryTag.findFirst({ where: { environment: "dev", repository: "dev/lock" }, select: { tag: true, digest: true } })).toEqual({ tag: "1.0", digest: second });
    const events = await db.prisma.inventoryTagEvent.findMany({ where: { environment: "dev", repository: "dev/lock" }, orderBy: { id: "asc" }, select: { kind: true, digest: true } });
    expect(events).toEqual([
      { kind: "created", digest: first },
      { kind: "moved", digest: second },
    ]);
  }, 60_000);
});
