/**
 * Scheduled retention plans through the maintenance entry (runScheduledPlans) on a real embedded
 * database, with a real HTTP receiver as the webhook: a due environment gets a stored, audited plan
 * posted for review; nothing is due again before everyHours; unattended execution is offered only
 * when every selecting rule says autoExecute and the environment is not protected.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook, resolveWebhookUrl } from "@/lib/probe/alerts/webhook";
import { runScheduledPlans, SCHEDULE_AUTHOR, type RetentionPlanEvent } from "@/lib/retention/schedule";
import type { StoredPlan } from "@/lib/retention/plan-store";
import { listenOnLoopback, type LoopbackListener } from "../harness/loopback-server";
import { openTestDatabase, type TestDatabase } from "../support/db";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

describe("scheduled retention plans", () => {
  let db: TestDatabase;
  let receiver: LoopbackListener;
  const received: { path: string; body: RetentionPlanEvent }[] = [];
  const executed: StoredPlan[] = [];
  const t0 = new Date("2026-11-30T12:00:00Z");
  const deps = (now: Date) => ({
    now,
    resolveWebhook: (v: string | undefined) => resolveWebhookUrl(v, { DEV_HOOK: `${receiver.url}/dev` }),
    defaultWebhookUrl: `${receiver.url}/default`,
    post: (url: string, body: RetentionPlanEvent) => postWebhook(url, body, { attempts: 1 }),
    autoExecute: async (plan: StoredPlan) => void executed.push(plan),
  });

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: JSON.parse(text) });
        res.end("ok");
      });
    });
    receiver = await listenOnLoopback(server);
    const registry = await db.prisma.registry.create({ data: { name: "reg", kind: "oci", url: "http://127.0.0.1:1" } });
    // unlessPulledWithinDays on a plain OCI registry cannot apply: its items say so, and still count as the rule's
    const rules = [{ repositories: "*", keepLast: 1, unlessPulledWithinDays: 7, autoExecute: true }];
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: registry.id, namespace: "dev", retention: { rules, schedule: { everyHours: 24 }, webhook: "${DEV_HOOK}" } } });
    await db.prisma.environment.create({ data: { name: "test", order: 2, registryId: registry.id, namespace: "test", retention: { rules: [{ repositories: "*", keepLast: 1 }], schedule: { everyHours: 1 } } } });
    // protected, as a UI edit could make it after the config was written: never executed unattended
    await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: registry.id, namespace: "prod", protected: true, retention: { rules, schedule: { everyHours: 1 } } } });
    await db.prisma.environment.create({ data: { name: "qa", order: 4, registryId: registry.id, namespace: "qa", retention: { rules } } });
    for (const [n, env] of ["dev", "test", "prod", "qa"].entries()) {
      for (let i = 0; i < 3; i++) {
        const d = digest(i + 10 * n);
        await db.prisma.inventoryManifest.upsert({ where: { digest: d }, create: { digest: d, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 10, platforms: [] }, update: {} });
        await db.prisma.inventoryTag.create({ data: { environment: env, repository: `${env}/api`, tag: `b${i}`, digest: d, since: new Date(t0.getTime() - i * DAY_MS), seenAt: t0 } });
      }
    }
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await db?.dispose();
  });

  it("plans every due environment, posts it for review, and executes only where every rule allows it outside protected environments", async () => {
    const reports = await runScheduledPlans(db.prisma, deps(t0));
    expect(reports.map((r) => [r.environment, r.sentTo, r.autoExecuted ?? false, r.error])).toEqual([
      ["dev", "environment", true, undefined],
      ["test", "default", false, undefined],
      ["prod", "default", false, undefined],
    ]);
    expect(received.map((r) => [r.path, r.body.environment, r.body.plan.items, r.body.plan.autoExecute])).toEqual([
      ["/dev", "dev", 2, true],
      ["/default", "test", 2, false],
      ["/default", "prod", 2, false],
    ]);
    expect(received[0]!.body.plan.api).toBe(`/api/v1/retention/plans/${reports[0]!.planId}`);
    expect(received[0]!.body.message).toMatch(/^Retention plan for dev: 2 tags or manifests would be deleted \(at most 0\.0 MiB freed, shared layers counted once; 0\.0 MiB of manifests\)/);
    // manifests indexed without blob lists: their full sizes, said to be an upper bound
    expect(received[0]!.body.plan.reclaim).toEqual({ bytes: 20, upperBound: true, deletedWithoutBlobs: 2, keptWithoutBlobs: 1 });
    expect(executed.map((p) => p.environment)).toEqual(["dev"]);
    const stored = await db.prisma.retentionPlan.findMany({ where: { createdByEmail: SCHEDULE_AUTHOR } });
    expect(stored).toHaveLength(3);
    expect(await db.prisma.auditEvent.count({ where: { action: "retention.planned", actorEmail: SCHEDULE_AUTHOR } })).toBe(3);
  });

  it("is not due again before everyHours have passed", async () => {
    received.length = 0;
    expect(await runScheduledPlans(db.prisma, deps(new Date(t0.getTime() + 30 * 60_000)))).toEqual([]);
    const later = await runScheduledPlans(db.prisma, deps(new Date(t0.getTime() + 2 * HOUR_MS)));
    expect(later.map((r) => r.environment)).toEqual(["test", "prod"]);
    expect(received).toHaveLength(2);
  });

  it("reports an unreachable webhook and goes on with the next environment", async () => {
    const broken = { ...deps(new Date(t0.getTime() + 30 * HOUR_MS)), defaultWebhookUrl: "http://127.0.0.1:1/none" };
    const reports = await runScheduledPlans(db.prisma, broken);
    expect(reports.map((r) => r.environment)).toEqual(["dev", "test", "prod"]);
    expect(reports[1]!.error).toMatch(/webhook delivery failed after 1 attempt/);
    expect(reports[0]!.error).toBeUndefined();
  });
});
