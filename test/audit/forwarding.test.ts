/**
 * Audit forwarding (issue 15): every audit event reaches each configured sink, in order, at least
 * once, through the outbox the AuditEvent trigger fills. Real receivers on loopback: a syslog server
 * reading RFC 6587 octet-counted RFC 5424 messages over TCP, and an HTTP server checking the HMAC.
 * A receiver that goes away loses nothing: the events wait, the sink records since when it fails,
 * its audit_forwarding probe fails and the alert rule opens an alert, which resolves once delivery
 * works again. On PGlite and PostgreSQL; 10,000 events written while forwarding on PostgreSQL.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";
import { ConfigError } from "@/lib/config/load";
import { forwardPending, sinkStates } from "@/lib/audit/forward/forwarder";
import { startAuditForwarding } from "@/lib/audit/forward/runner";
import { auditSenders, syncAuditSinks } from "@/lib/audit/forward/sinks";
import { frame, syslogMessage, syslogSender } from "@/lib/audit/forward/syslog";
import { writeAudit } from "@/lib/audit/log";
import { syncProbeConfig } from "@/lib/probe/config-sync";
import { dbProbeContext } from "@/lib/probe/context";
import { createJobRunner } from "@/lib/probe/runner";
import { slotsBetween } from "@/lib/probe/scheduler/slots";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { loopbackCertificate } from "../harness/tls-cert";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const HMAC = "forwarding-test-hmac";

/** A syslog receiver: parses octet-counted frames, keeps each message's JSON event. */
async function syslogReceiver(port = 0) {
  const events: { id: string; action: string }[] = [];
  const raw: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString());
        if (buffer.length < space + 1 + length) return;
        const message = buffer.subarray(space + 1, space + 1 + length).toString("utf8");
        buffer = buffer.subarray(space + 1 + length);
        raw.push(message);
        events.push(JSON.parse(message.slice(message.indexOf("\uFEFF") + 1)));
      }
    });
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    events,
    raw,
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/** An HTTP receiver of JSON lines; refuses a body whose signature does not match. */
async function httpReceiver(port = 0): Promise<{ events: { id: string }[]; badSignatures: number; listener: LoopbackListener }> {
  const state = { events: [] as { id: string }[], badSignatures: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const expected = `sha256=${createHmac("sha256", HMAC).update(body).digest("hex")}`;
      if (req.headers["x-dockmaster-signature"] !== expected) {
        state.badSignatures++;
        return void res.writeHead(401).end("bad signature");
      }
      for (const line of body.split("\n").filter(Boolean)) state.events.push(JSON.parse(line));
      res.writeHead(204).end();
    });
  });
  if (port) await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const listener = port
    ? { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, port, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) }
    : await listenOnLoopback(server);
  return Object.assign(state, { listener });
}

const configYaml = (syslogPort: number, httpPort: number) => `
registries: []
environments: []
audit:
  forward:
    - { name: siem, type: syslog, url: "tcp://127.0.0.1:${syslogPort}", alertAfterMinutes: 1 }
    - { name: lake, type: http, url: "http://127.0.0.1:${httpPort}/ingest", hmacSecret: "\${AUDIT_HMAC}", alertAfterMinutes: 1 }
probes:
  alerts: [{ name: sink-failing, kind: consecutive_failures, threshold: 1 }]
`;

describe("audit forwarding: format and configuration", () => {
  it("writes RFC 5424 with the audit facility, escaped structured data and the event as JSON, octet-counted", () => {
    const e = { id: "7", at: "2026-11-30T12:00:00.000Z", actor: { id: "u1", email: 'a"]\\@x' }, action: "promotion.approved", target: { type: "promotion", id: "p1" }, outcome: "success", sourceIp: null, detail: { é: 1 } };
    const m = syslogMessage(e, { appName: "dockmaster", hostname: "host 1", procId: "42" });
    expect(m).toBe(`<109>1 2026-11-30T12:00:00.000Z host_1 dockmaster 42 promotion.approved [audit@32473 id="7" action="promotion.approved" outcome="success" actor="a\\"\\]\\\\@x" targetType="promotion" targetId="p1"] \uFEFF${JSON.stringify(e)}`);
    // a refusal is a warning (severity 4): 13 * 8 + 4
    expect(syslogMessage({ ...e, outcome: "denied" }, { appName: "d" })).toMatch(/^<108>1 /);
    expect(frame(m)).toBe(`${Buffer.byteLength(m)} ${m}`);
    expect(Buffer.byteLength(m)).toBeGreaterThan(m.length);
  });

  it("adds a probe per sink; refuses a bad URL, a plaintext secret and a probe of an unknown sink with their lines", () => {
    const cfg = parseAppConfig(configYaml(514, 8080), "dockmaster.yaml", { AUDIT_HMAC: HMAC });
    expect(cfg.probes!.targets.map((t) => [t.name, t.kind, t.sink, t.failingMinutes])).toEqual([
      ["audit-forward-siem", "audit_forwarding", "siem", 1],
      ["audit-forward-lake", "audit_forwarding", "lake", 1],
    ]);
    const refused = (text: string) => {
      try {
        parseAppConfig(text, "dockmaster.yaml", {});
      } catch (err) {
        return (err as ConfigError).problems;
      }
      throw new Error("accepted");
    };
    expect(refused(`audit:\n  forward:\n    - { name: s, type: syslog, url: "udp://x:514" }\n`)).toEqual(["dockmaster.yaml:3: audit.forward[0].url: must be tcp://host:port or tls://host:port"]);
    expect(refused(`audit:\n  forward:\n    - { name: h, type: http, url: "https://x/in", hmacSecret: hunter2 }\n`)[0]).toMatch(/^dockmaster\.yaml:3: audit\.forward\[0\]\.hmacSecret: must be an environment variable reference/);
    expect(refused(`probes:\n  targets:\n    - { name: f, kind: audit_forwarding, sink: nowhere }\n`)).toEqual(['dockmaster.yaml:3: probes.targets[0].sink: refers to audit sink "nowhere", which is not declared under audit.forward']);
  });
});

describe("syslog over TLS (RFC 5425)", () => {
  it("delivers to a receiver whose certificate the CA file vouches for, and refuses one it does not", async () => {
    const cert = loopbackCertificate();
    const received: string[] = [];
    const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem }, (socket) => socket.on("data", (d) => received.push(d.toString("utf8"))));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `tls://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const event = { id: "1", at: "2026-11-30T12:00:00.000Z", actor: { id: null, email: "a@x" }, action: "auth.signin", target: { type: null, id: null }, outcome: "failure", sourceIp: "10.0.0.1", detail: null };
    const trusted = syslogSender({ url, appName: "dockmaster", ca: cert.certPem });
    const untrusted = syslogSender({ url, appName: "dockmaster" });
    try {
      await trusted.send([event]);
      const deadline = Date.now() + 5000;
      while (!received.join("").includes("auth.signin") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received.join("")).toMatch(/^\d+ <108>1 2026-11-30T12:00:00\.000Z \S+ dockmaster \d+ auth\.signin \[audit@32473 id="1" action="auth\.signin" outcome="failure" actor="a@x" sourceIp="10\.0\.0\.1"\] /);
      await expect(untrusted.send([event])).rejects.toThrow(/^syslog 127\.0\.0\.1:\d+: self[- ]signed certificate/);
    } finally {
      await trusted.close();
      await untrusted.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe.each(dbKinds)("audit forwarding on %s", (kind) => {
  let db: TestDatabase;
  let syslog: Awaited<ReturnType<typeof syslogReceiver>>;
  let lake: Awaited<ReturnType<typeof httpReceiver>>;
  let senders: ReturnType<typeof auditSenders>;
  const write = (i: number) => writeAudit(db.prisma, { actor: { email: "ops@example.com" }, action: "test.event", target: { type: "n", id: String(i) }, outcome: i % 7 === 0 ? "denied" : "success" });
  const ids = (events: { id: string }[]) => events.map((e) => Number(e.id));
  const ascending = (n: number[]) => n.every((v, i) => i === 0 || v > n[i - 1]!);

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    syslog = await syslogReceiver();
    lake = await httpReceiver();
    const cfg = parseAppConfig(configYaml(syslog.port, lake.listener.port), "dockmaster.yaml", { AUDIT_HMAC: HMAC });
    await syncAuditSinks(db.prisma, cfg.audit!.forward);
    await syncProbeConfig(db.prisma, cfg);
    senders = auditSenders(cfg.audit!.forward, { AUDIT_HMAC: HMAC });
  });
  afterAll(async () => {
    for (const s of senders?.values() ?? []) await s.close();
    await syslog?.close();
    await lake?.listener.close();
    await db?.dispose();
  });

  it("delivers every event to both sinks in order, and empties the outbox", async () => {
    for (let i = 0; i < 120; i++) await write(i);
    const results = await forwardPending(db.prisma, senders, { batchSize: 50 });
    expect(results.map((r) => [r.sink, r.delivered, r.error])).toEqual([["siem", 120, undefined], ["lake", 120, undefined]]);
    expect(syslog.events).toHaveLength(120);
    expect(ids(syslog.events)).toEqual(ids(lake.events));
    expect(ascending(ids(lake.events))).toBe(true);
    expect(lake.badSignatures).toBe(0);
    expect(syslog.raw.filter((m) => m.startsWith("<108>1 "))).toHaveLength(18); // the denied ones: warnings
    expect(await db.prisma.auditDelivery.count()).toBe(0);
  });

  it("a receiver that is gone loses nothing: the sink fails, its probe opens an alert, and both resolve once it is back", async () => {
    const runProbe = createJobRunner({ prisma: db.prisma, context: dbProbeContext(db.prisma), webhookUrl: () => undefined });
    const target = await db.prisma.probeTarget.findUniqueOrThrow({ where: { name: "audit-forward-lake" } });
    const probeNow = async () => runProbe({ targetId: target.id, slot: slotsBetween(target, Date.now() - target.intervalSeconds * 1000, Date.now()).at(-1)! });
    const before = lake.events.length;
    const port = lake.listener.port;
    await lake.listener.close();
    for (let i = 0; i < 40; i++) await write(1000 + i);
    const failed = await forwardPending(db.prisma, senders);
    expect(failed.find((r) => r.sink === "lake")).toMatchObject({ delivered: 0, error: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/ingest: .*(ECONNREFUSED|other side closed)/) });
    expect(failed.find((r) => r.sink === "siem")).toMatchObject({ delivered: 40 });
    const [state] = await sinkStates(db.prisma, "lake");
    expect(state).toMatchObject({ backlog: 40, failingSince: expect.any(Date) });

    // failing for less than alertAfterMinutes: the probe still passes
    await probeNow();
    expect(await db.prisma.probeAlert.count({ where: { targetId: target.id, resolvedAt: null } })).toBe(0);
    // failing for two minutes: the probe fails, naming the error and the backlog, and the alert opens
    await db.prisma.auditSink.update({ where: { name: "lake" }, data: { failingSince: new Date(Date.now() - 120_000) } });
    await probeNow();
    const alert = await db.prisma.probeAlert.findFirstOrThrow({ where: { targetId: target.id, resolvedAt: null } });
    expect(alert.message).toMatch(/audit sink "lake" has failed for 2 min \(40 events waiting\): POST http/);

    // back on the same port: the backoff is over at the next attempt, everything arrives in order
    const back = await httpReceiver(port);
    try {
      await db.prisma.auditSink.update({ where: { name: "lake" }, data: { nextAttemptAt: null } });
      const resumed = await forwardPending(db.prisma, senders);
      expect(resumed.find((r) => r.sink === "lake")).toMatchObject({ delivered: 40 });
      expect(ids(back.events)).toEqual(ids(syslog.events).slice(before));
      expect(await sinkStates(db.prisma, "lake")).toMatchObject([{ backlog: 0, failingSince: null, lastError: null }]);
      await probeNow();
      expect(await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ resolvedAt: expect.any(Date) });
    } finally {
      await back.listener.close();
    }
  });
});

// PostgreSQL: the database several replicas share, where writers are truly concurrent
describe("audit forwarding under load on postgres", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("10,000 events written by eight concurrent writers while forwarding all arrive, once each", { timeout: 300_000 }, async () => {
    const receiver = await httpReceiver();
    const cfg = parseAppConfig(configYaml(9, receiver.listener.port), "dockmaster.yaml", { AUDIT_HMAC: HMAC });
    const lakeOnly = cfg.audit!.forward.filter((s) => s.name === "lake");
    await syncAuditSinks(db.prisma, lakeOnly);
    const forwarding = startAuditForwarding(db.prisma, auditSenders(lakeOnly, { AUDIT_HMAC: HMAC }), { pollMs: 100 });
    const write = (i: number) => writeAudit(db.prisma, { actor: { email: "ops@example.com" }, action: "load.event", target: { type: "n", id: String(i) }, outcome: "success" });
    try {
      const started = Date.now();
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 1250; i++) await write(w * 10_000 + i);
          })(),
        ),
      );
      expect(await db.prisma.auditEvent.count({ where: { action: "load.event" } })).toBe(10_000);
      const deadline = Date.now() + 120_000;
      while (receiver.events.length < 10_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const got = receiver.events.map((e) => Number(e.id));
      expect(got).toHaveLength(10_000);
      expect(new Set(got).size).toBe(10_000);
      expect(receiver.badSignatures).toBe(0);
      console.log(`[audit forwarding] 10,000 events written and delivered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await forwarding.stop();
      await receiver.listener.close();
    }
  });
});
