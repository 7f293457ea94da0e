/**
 * Silencing an alert or a rule holds its webhook notifications until the silence ends: a held firing
 * is sent by the maintenance retry once the silence is over if the alert is still open, and never if
 * it resolved meanwhile. Silencing is audited. The duration choice is validated with field errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventFor } from "@/lib/probe/alerts/evaluate";
import { deliverAlertEvents, retryFailedNotifications } from "@/lib/probe/alerts/notify";
import { silenceAlert, silenceRule, silenceUntil } from "@/lib/probe/alerts/silence";
import type { AlertEvent } from "@/lib/probe/alerts/webhook";
import { FieldError } from "@/lib/errors";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { startWebhookReceiver } from "./webhook-receiver";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-11-30T10:00:00Z");
const actor = { actor: { id: "u1", email: "oncall@x.io" }, ip: "192.0.2.9" };

describe("silence durations", () => {
  it("presets are hours from now; custom takes a number of hours up to a week; off lifts it", () => {
    expect(silenceUntil({ duration: "1h" }, NOW)).toEqual(new Date(NOW + HOUR));
    expect(silenceUntil({ duration: "4h" }, NOW)).toEqual(new Date(NOW + 4 * HOUR));
    expect(silenceUntil({ duration: "24h" }, NOW)).toEqual(new Date(NOW + 24 * HOUR));
    expect(silenceUntil({ duration: "custom", customHours: "0.5" }, NOW)).toEqual(new Date(NOW + HOUR / 2));
    expect(silenceUntil({ duration: "off" }, NOW)).toBeNull();
  });

  it.each([["", /number of hours/], ["abc", /number of hours/], ["0", /more than 0/], ["169", /at most 168/]])("refuses custom %j on the customHours field", (customHours, why) => {
    let err: unknown;
    try {
      silenceUntil({ duration: "custom", customHours }, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldError);
    expect((err as FieldError).field).toBe("customHours");
    expect((err as FieldError).problem).toMatch(why);
  });
});

describe("silenced notifications", () => {
  let db: TestDatabase;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let ruleId: string;
  let targetId: string;
  const sent = () => (hook.bodies.splice(0) as AlertEvent[]).map((e) => [e.event, e.alert.id]);
  const firing = async (startedAt: number) => {
    const rule = await db.prisma.probeAlertRule.findUniqueOrThrow({ where: { id: ruleId } });
    const target = await db.prisma.probeTarget.findUniqueOrThrow({ where: { id: targetId } });
    const alert = await db.prisma.probeAlert.create({ data: { ruleId, targetId, kind: rule.kind, message: "x-up failed 3 times in a row", startedAt: new Date(startedAt) } });
    return { alert, event: eventFor("alert.firing", alert, rule, target) };
  };

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    hook = await startWebhookReceiver();
    ruleId = (await db.prisma.probeAlertRule.create({ data: { name: "three-strikes", kind: "consecutive_failures", threshold: 3 } })).id;
    targetId = (await db.prisma.probeTarget.create({ data: { name: "x-up", kind: "reachability", registryName: "dev", params: {}, intervalSeconds: 60, timeoutMs: 2000 } })).id;
  });
  afterAll(async () => {
    await hook?.stop();
    await db?.dispose();
  });

  it("an alert silenced for an hour is not sent within the hour, and is sent after it while still open", async () => {
    const { alert, event } = await firing(NOW);
    await silenceAlert(db.prisma, actor, alert.id, new Date(NOW + HOUR));
    await deliverAlertEvents(db.prisma, [event], hook.url, { now: NOW });
    expect(sent()).toEqual([]);
    expect((await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: alert.id } })).notifyError).toBe(`held: silenced until ${new Date(NOW + HOUR).toISOString()}`);
    expect(await retryFailedNotifications(db.prisma, hook.url, NOW + HOUR / 2)).toBe(0);
    expect(sent()).toEqual([]);
    expect(await retryFailedNotifications(db.prisma, hook.url, NOW + HOUR + 1000)).toBe(1);
    expect(sent()).toEqual([["alert.firing", alert.id]]);
    const after = await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: alert.id } });
    expect(after.notifiedAt).not.toBeNull();
    expect(after.notifyError).toBeNull();
    await db.prisma.probeAlert.update({ where: { id: alert.id }, data: { resolvedAt: new Date(NOW + 2 * HOUR), recoveryNotifiedAt: new Date() } });
  });

  it("a silenced rule holds its alerts; one that resolves inside the silence is never announced", async () => {
    await silenceRule(db.prisma, actor, ruleId, new Date(NOW + 4 * HOUR));
    const { alert, event } = await firing(NOW + HOUR);
    await deliverAlertEvents(db.prisma, [event], hook.url, { now: NOW + HOUR });
    await db.prisma.probeAlert.update({ where: { id: alert.id }, data: { resolvedAt: new Date(NOW + 2 * HOUR) } });
    expect(await retryFailedNotifications(db.prisma, hook.url, NOW + 3 * HOUR)).toBe(0);
    expect(await retryFailedNotifications(db.prisma, hook.url, NOW + 5 * HOUR)).toBe(0);
    expect(sent()).toEqual([]);
    expect((await db.prisma.probeAlert.findUniqueOrThrow({ where: { id: alert.id } })).notifyError).toBeNull();
    // lifting the silence: the next alert is sent at once
    await silenceRule(db.prisma, actor, ruleId, null);
    const next = await firing(NOW + 6 * HOUR);
    await deliverAlertEvents(db.prisma, [next.event], hook.url, { now: NOW + 6 * HOUR });
    expect(sent()).toEqual([["alert.firing", next.alert.id]]);
  });

  it("every silence and its lifting is in the audit log, with who and until when", async () => {
    const rows = await db.prisma.auditEvent.findMany({ where: { action: { startsWith: "probe." } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.actorEmail, r.targetId, (r.detail as { until: string | null }).until])).toEqual([
      ["probe.alert.silence", "oncall@x.io", "x-up", new Date(NOW + HOUR).toISOString()],
      ["probe.rule.silence", "oncall@x.io", "three-strikes", new Date(NOW + 4 * HOUR).toISOString()],
      ["probe.rule.unsilence", "oncall@x.io", "three-strikes", null],
    ]);
  });
});
