/**
 * Registry events into the index, end to end: a real docker-registry configured with `notifications:`
 * posts its envelopes to a loopback endpoint that hands them to receiveRegistryEvents exactly as the
 * route does. Pushes are searchable within 2 s, moves and deletes become tag events, a replayed envelope
 * changes nothing, and a wrong secret, a bad body or an oversized one are refused with nothing written.
 * The index reads the registry through a logging proxy, so the re-read an event causes is counted:
 * a push names its tag, and only that tag is read again.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveRegistryEvents, type EventRequest } from "@/lib/inventory/index/events/receive";
import { tagHistory } from "@/lib/inventory/index/reads";
import { createRereadQueue } from "@/lib/inventory/index/reread-queue";
import { createOciProvider, type OciProvider } from "@/lib/registry/oci/provider";
import { readBody } from "../harness/http-util";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage } from "../harness/image-builder";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";

const SECRET = "s3cret-events-token";
const env = { DEV_EVENTS_SECRET: SECRET };

describe("registry events from a real docker-registry", () => {
  let db: TestDatabase;
  let registry: RunningRegistry;
  let endpoint: LoopbackListener;
  let seeder: OciProvider;
  let proxy: FaultProxy;
  const envelopes: string[] = [];
  const answers: number[] = [];
  const failures: string[] = [];
  let answering = 0; // envelopes being handled: the receiver queues its re-read just before it answers
  let queue: ReturnType<typeof createRereadQueue>;
  const post = (req: Partial<EventRequest>) =>
    receiveRegistryEvents(db.prisma, { registry: "dev-registry", authorization: `Bearer ${SECRET}`, token: null, body: "{}", ...req }, { env, reread: (r) => queue.enqueue(r) });
  const tagRow = (tag: string, repository = "dev/api") => db.prisma.inventoryTag.findUnique({ where: { environment_repository_tag: { environment: "dev", repository, tag } } });
  const until = async <T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 2000): Promise<{ value: T; ms: number }> => {
    const t0 = Date.now();
    for (;;) {
      const value = await what();
      if (ok(value)) return { value, ms: Date.now() - t0 };
      if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\n${deliveryState()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  /** what a timeout needs to be explained: were envelopes sent, answered, retried by the registry? */
  const deliveryState = () =>
    [
      `envelopes received: ${envelopes.length}, answers (last 10): ${answers.slice(-10).join(" ")}, being answered: ${answering}`,
      `receiver failures: ${failures.slice(-3).join("; ") || "none"}`,
      `index reads (last 10): ${reads(Math.max(0, proxy.log.length - 10)).join(", ")}`,
      `registry log (last 15 lines):\n${registry.logs().trim().split("\n").slice(-15).join("\n")}`,
    ].join("\n");

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    queue = createRereadQueue(async () => db.prisma);
    endpoint = await listenOnLoopback(
      http.createServer(async (req, res) => {
        answering++;
        const body = (await readBody(req)).toString("utf8");
        envelopes.push(body);
        // a receiver that throws answers 500, as the route does; the message is kept for a timeout's report
        const out = await post({ authorization: req.headers.authorization ?? null, body })
          .catch((err: unknown) => ({ status: 500, body: { error: (err as Error).message } }))
          .finally(() => answering--);
        answers.push(out.status);
        if (out.status >= 500) failures.push(JSON.stringify(out.body));
        res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
      }),
    );
    registry = await startRegistry({ deleteEnabled: true, notifications: { url: `${endpoint.url}/api/v1/events/dev-registry`, headers: { Authorization: `Bearer ${SECRET}` } } });
    proxy = await startFaultProxy(registry.url);
    const reg = await db.prisma.registry.create({ data: { name: "dev-registry", kind: "oci", url: proxy.url, options: { eventsSecretEnv: "DEV_EVENTS_SECRET" } } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: reg.id, namespace: "dev" } });
    seeder = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
  });
  afterAll(async () => {
    await queue?.drained();
    await seeder?.close();
    await registry?.stop();
    await proxy?.stop();
    await endpoint?.close();
    await db?.dispose();
  });

  const v1 = buildImage({ layerSize: 64 });
  const v2 = buildImage({ layerSize: 64 });

  it("a pushed tag is in the index within 2 s of the push", async () => {
    await pushImage(seeder, "dev/api", v1, "latest");
    const { value, ms } = await until(() => tagRow("latest"), (r) => r?.digest === v1.manifest.digest);
    expect(value?.digest).toBe(v1.manifest.digest);
    expect(ms).toBeLessThan(2000);
    expect(answers.every((s) => s === 202)).toBe(true);
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/api", tag: "latest" });
    expect(history.map((e) => [e.kind, e.source])).toEqual([["created", "event"]]);
  });

  it("re-tagging latest shows in its history as a move with both digests", async () => {
    await pushImage(seeder, "dev/api", v2, "latest");
    await until(() => tagRow("latest"), (r) => r?.digest === v2.manifest.digest);
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/api", tag: "latest" });
    expect(history[0]).toMatchObject({ kind: "moved", previousDigest: v1.manifest.digest, digest: v2.manifest.digest, source: "event" });
  });

  it("deleting the manifest records the tag as deleted", async () => {
    await queue.drained();
    await seeder.deleteManifest("dev/api", v2.manifest.digest);
    await until(() => tagRow("latest"), (r) => r === null);
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/api", tag: "latest" });
    expect(history[0]).toMatchObject({ kind: "deleted", previousDigest: v2.manifest.digest });
  });

  /** what the index asked the registry for since `from` (the proxy's log; the seeder goes direct) */
  const reads = (from: number) => proxy.log.slice(from).map((e) => `${e.method} ${e.path}`);
  /** the row can be visible before its envelope's re-read is queued: wait for the answer, then for the re-reads */
  const settled = async () => {
    await until(async () => answering, (n) => n === 0, 10_000);
    await queue.drained();
  };

  it("a push re-reads only the tag it names: one manifest request, no tag list", async () => {
    await settled();
    const v3 = buildImage({ layerSize: 64 });
    await pushImage(seeder, "dev/api", v1, "stable"); // kept across the tests below
    await until(() => tagRow("stable"), (r) => r?.digest === v1.manifest.digest, 10_000);
    await settled();
    const from = proxy.log.length;
    await pushImage(seeder, "dev/api", v3, "rc");
    await until(() => tagRow("rc"), (r) => r?.digest === v3.manifest.digest, 10_000);
    await settled();
    const asked = reads(from);
    // a digest new to the index: one GET by tag gives digest and manifest at once (then its config blob, for labels)
    expect(asked.filter((r) => r.includes("/manifests/"))).toEqual(["GET /v2/dev/api/manifests/rc"]);
    expect(asked.filter((r) => r.includes("/tags/list"))).toEqual([]);

    const again = proxy.log.length;
    await pushImage(seeder, "dev/api", v3, "rc-2"); // a digest the index holds: one HEAD confirms it
    await until(() => tagRow("rc-2"), (r) => r?.digest === v3.manifest.digest, 10_000);
    await settled();
    expect(reads(again)).toEqual(["HEAD /v2/dev/api/manifests/rc-2"]);
    expect((await tagRow("stable"))?.digest).toBe(v1.manifest.digest); // a partial read concludes nothing about other tags
  });

  it("a manifest deleted by digest names no tag: the repository is read again, and its tags are observed deleted", async () => {
    const from = proxy.log.length;
    const v3digest = (await tagRow("rc"))!.digest;
    await seeder.deleteManifest("dev/api", v3digest);
    await until(() => Promise.all([tagRow("rc"), tagRow("rc-2")]), (rows) => rows.every((r) => r === null), 10_000);
    await settled();
    expect(reads(from).some((r) => r.startsWith("GET /v2/dev/api/tags/list"))).toBe(true);
    const history = await tagHistory(db.prisma, "all", { environment: "dev", repository: "dev/api", tag: "rc-2" });
    expect(history[0]).toMatchObject({ kind: "deleted", previousDigest: v3digest });
    expect((await tagRow("stable"))?.digest).toBe(v1.manifest.digest);
  });

  it("a replayed envelope changes nothing", async () => {
    await queue.drained();
    const events = await db.prisma.inventoryTagEvent.count();
    const tags = await db.prisma.inventoryTag.findMany();
    const replays = envelopes.filter((e) => e.includes('"push"') || e.includes('"delete"'));
    expect(replays.length).toBeGreaterThan(0);
    for (const body of replays) {
      const out = await post({ body });
      expect(out.status).toBe(202);
      expect(out.body).toMatchObject({ applied: 0 });
    }
    await queue.drained();
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
    expect(await db.prisma.inventoryTag.findMany()).toEqual(tags);
  });

  it("a wrong secret, a missing one or an unknown registry gets 401 and writes nothing", async () => {
    const body = JSON.stringify({ events: [{ id: "forged-1", action: "push", target: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: v1.manifest.digest, repository: "dev/api", tag: "forged" } }] });
    expect((await post({ body, authorization: "Bearer wrong" })).status).toBe(401);
    expect((await post({ body, authorization: null })).status).toBe(401);
    expect((await post({ body, registry: "no-such-registry" })).status).toBe(401);
    expect((await post({ body, authorization: null, token: "wrong" })).status).toBe(401);
    expect(await tagRow("forged")).toBeNull();
    expect(await db.prisma.inventoryEventReceipt.count({ where: { eventId: "forged-1" } })).toBe(0);
    // the ?token= form works for senders that cannot set headers
    expect((await post({ body, authorization: null, token: SECRET })).status).toBe(202);
    expect((await tagRow("forged"))?.digest).toBe(v1.manifest.digest);
  });

  it("malformed and oversized bodies are 400/413 with a reason, and write nothing", async () => {
    const events = await db.prisma.inventoryTagEvent.count();
    const bad = await post({ body: "{" });
    expect(bad).toEqual({ status: 400, body: { error: "event body is not valid JSON" } });
    const wrongShape = await post({ body: JSON.stringify({ events: [{ id: "x", action: "push", target: { repository: "dev/api", digest: "sha256:zzz" } }] }) });
    expect(wrongShape.status).toBe(400);
    expect((wrongShape.body as { error: string }).error).toMatch(/events\.0\.target\.digest/);
    const big = await post({ body: JSON.stringify({ events: [], pad: "x".repeat(1024 * 1024) }) });
    expect(big.status).toBe(413);
    expect(await db.prisma.inventoryTagEvent.count()).toBe(events);
  });
});
