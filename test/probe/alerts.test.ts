import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertEvent } from "@/lib/probe/alerts/webhook";
import { evaluateAlerts } from "@/lib/probe/alerts/evaluate";
import { retryFailedNotifications } from "@/lib/probe/alerts/notify";
import { syncProbeConfig } from "@/lib/probe/config-sync";
import { dbProbeContext } from "@/lib/probe/context";
import { storeResult } from "@/lib/probe/results";
import { createJobRunner } from "@/lib/probe/runner";
import { slotsBetween } from "@/lib/probe/scheduler/slots";
import { toSpec } from "@/lib/probe/types";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { startWebhookReceiver } from "./webhook-receiver";

let registry: RunningRegistry;
let proxy: FaultProxy;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.url);
  hook = await startWebhookReceiver();
});
afterAll(async () => {
  await hook?.stop();
  await proxy?.stop();
  await registry?.stop();
});

describe.each(dbKinds)("alerts on %s", (kind) => {
  let db: TestDatabase;
  let run: ReturnType<typeof createJobRunner>;
  let targetId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.prisma.registry.create({ data: { name: "flaky", kind: "oci", url: proxy.url } });
    await syncProbeConfig(db.prisma, {}); // no alerts declared: the default rule, 3 consecutive failures
    const t = await db.prisma.probeTarget.create({ data: { name: "flaky-up", kind: "reachability", registryName: "flaky", params: {}, intervalSeconds: 60, timeoutMs: 2000 } });
    targetId = t.id;
    run = createJobRunner({ prisma: db.prisma, context: dbProbeContext(db.prisma), webhookUrl: () => hook.url });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  /** The job the scheduler would hand out now: this minute's slot of the target. */
  const runNow = async () => {
    const [slot] = slotsBetween({ id: targetId, intervalSeconds: 60, timeoutMs: 2000 }, Date.now() - 60_000, Date.now());
    await run({ targetId, slot: slot! });
  };
  const events = () => hook.bodies.splice(0) as AlertEvent[];

  it("alerts once after exactly 3 consecutive failures, then sends a recovery message after a success", async () => {
    proxy.reset();
    events();
    proxy.addRule({ path: "/v2/", action: { kind: "drop" } });

    await runNow();
    await runNow();
    expect(events()).toEqual([]);
    expect(await db.prisma.probeAlert.count()).toBe(0);

    await runNow();
    const fired = events();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      event: "alert.firing",
      source: "dockmaster",
      alert: { rule: "consecutive-failures", kind: "consecutive_failures", threshold: 3, target: "flaky-up", targetKind: "reachability", registry: "flaky", resolvedAt: null },
    });
    expect(fired[0]!.alert.message).toMatch(/^flaky-up failed 3 times in a row: registry 127\.0\.0\.1:\d+ /);

    await runNow();
    await runNow();
    expect(events()).toEqual([]); // de-duplicated: still the one open alert
    expect(await db.prisma.probeAlert.count({ where: { resolvedAt: null } })).toBe(1);

    proxy.reset();
    await runNow();
    const recovered = events();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ event: "alert.resolved", alert: { id: fired[0]!.alert.id, target: "flaky-up" } });
    expect(recovered[0]!.alert.message).toMatch(/^flaky-up succeeded again \(alert open \d+ s\)$/);
    expect(recovered[0]!.alert.resolvedAt).not.toBeNull();

    await runNow();
    expect(events()).toEqual([]);
    const stored = await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: fired[0]!.alert.id } });
    expect(stored.notifiedAt).not.toBeNull();
    expect(stored.recoveryNotifiedAt).not.toBeNull();
    const results = await db.prisma.probeResult.findMany({ where: { targetId }, orderBy: { at: "asc" } });
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false, true, true]);
    expect(results[0]!.errorClass).toBe("unreachable");
  });

  it("opens one alert even when two replicas evaluate the same failure at once", async () => {
    const t = toSpec(await db.prisma.probeTarget.create({ data: { name: "twice", kind: "reachability", registryName: "flaky", params: {}, intervalSeconds: 60, timeoutMs: 2000 } }));
    for (let i = 0; i < 3; i++) await storeResult(db.prisma, t, { ok: false, latencyMs: 1, errorClass: "timeout", message: "slow" }, { at: new Date(Date.now() - 3000 + i) });
    const [a, b] = await Promise.all([evaluateAlerts(db.prisma, t), evaluateAlerts(db.prisma, t)]);
    expect(a.length + b.length).toBe(1);
    expect(await db.prisma.probeAlert.count({ where: { targetId: t.id } })).toBe(1);
  });

  it("fires p99 latency, certificate and quota rules on their thresholds and clears them", async () => {
    const now = Date.now();
    const pull = toSpec(await db.prisma.probeTarget.create({ data: { name: "pull", kind: "pull_latency", registryName: "flaky", params: {}, intervalSeconds: 60, timeoutMs: 2000 } }));
    const cert = toSpec(await db.prisma.probeTarget.create({ data: { name: "cert", kind: "tls_expiry", registryName: "flaky", params: {}, intervalSeconds: 60, timeoutMs: 2000 } }));
    await db.prisma.probeAlertRule.create({ data: { name: "slow", kind: "p99_latency", threshold: 500, windowSeconds: 600, targetName: "pull" } });
    await db.prisma.probeAlertRule.create({ data: { name: "cert-30d", kind: "cert_expiry_days", threshold: 30 } });
    // 99 fast runs and 2 slow ones in the window: p99 interpolates into the slow tail
    for (let i = 0; i < 99; i++) await storeResult(db.prisma, pull, { ok: true, latencyMs: 50 }, { at: new Date(now - 300_000 + i) });
    for (let i = 0; i < 2; i++) await storeResult(db.prisma, pull, { ok: true, latencyMs: 2000 }, { at: new Date(now - 200_000 + i) });
    const slow = await evaluateAlerts(db.prisma, pull, now);
    expect(slow.map((e) => [e.event, e.alert.rule])).toEqual([["alert.firing", "slow"]]);
    expect(slow[0]!.alert.value).toBeGreaterThan(500);
    // later on, the slow runs have left the 10-minute window
    const later = now + 500_000;
    await storeResult(db.prisma, pull, { ok: true, latencyMs: 40 }, { at: new Date(later - 1000) });
    expect((await evaluateAlerts(db.prisma, pull, later)).map((e) => e.event)).toEqual(["alert.resolved"]);

    await storeResult(db.prisma, cert, { ok: true, latencyMs: 3, value: 20 }, { at: new Date(now) });
    const expiring = await evaluateAlerts(db.prisma, cert, now);
    expect(expiring.map((e) => [e.event, e.alert.rule])).toEqual([["alert.firing", "cert-30d"]]);
    expect(expiring[0]!.alert.message).toBe("cert: the TLS certificate expires in 20.0 days (threshold 30)");
    await storeResult(db.prisma, cert, { ok: true, latencyMs: 3, value: 89.5 }, { at: new Date(now + 1) });
    expect((await evaluateAlerts(db.prisma, cert, now + 2)).map((e) => e.event)).toEqual(["alert.resolved"]);

    const quota = toSpec(await db.prisma.probeTarget.create({ data: { name: "quota", kind: "storage_quota", registryName: "flaky", params: {}, intervalSeconds: 60, timeoutMs: 2000 } }));
    await db.prisma.probeAlertRule.create({ data: { name: "quota-90", kind: "quota_percent", threshold: 90 } });
    await storeResult(db.prisma, quota, { ok: true, latencyMs: 3, value: 89.9 }, { at: new Date(now) });
    expect(await evaluateAlerts(db.prisma, quota, now)).toEqual([]);
    await storeResult(db.prisma, quota, { ok: true, latencyMs: 3, value: 95 }, { at: new Date(now + 1) });
    const full = await evaluateAlerts(db.prisma, quota, now + 2);
    expect(full.map((e) => [e.event, e.alert.rule, e.alert.message])).toEqual([["alert.firing", "quota-90", "quota quota is 95.0% used (threshold 90%)"]]);
    // the quota rule concerns quota targets only
    expect((await evaluateAlerts(db.prisma, pull, later)).map((e) => e.alert.rule)).not.toContain("quota-90");
  });

  it("records a failed delivery and re-sends it from maintenance", async () => {
    events();
    hook.answer(500);
    proxy.reset();
    proxy.addRule({ path: "/v2/", action: { kind: "drop" } });
    for (let i = 0; i < 3; i++) await runNow();
    expect(events()).toEqual([]);
    const open = await db.prisma.probeAlert.findFirstOrThrow({ where: { targetId, resolvedAt: null } });
    expect(open.notifiedAt).toBeNull();
    expect(open.notifyError).toMatch(/webhook delivery failed after 3 attempts: webhook answered HTTP 500/);

    hook.answer(200);
    expect(await retryFailedNotifications(db.prisma, hook.url)).toBe(1);
    const sent = events();
    expect(sent.map((e) => [e.event, e.alert.id])).toEqual([["alert.firing", open.id]]);
    expect((await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: open.id } })).notifiedAt).not.toBeNull();
    expect(await retryFailedNotifications(db.prisma, hook.url)).toBe(0);
    proxy.reset();
  });
});
