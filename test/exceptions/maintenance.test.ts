/**
 * Maintenance for the ledger with an injected clock: one webhook message per exception when it
 * enters the warning period (retried when delivery failed), one "exception.expired" audit row when
 * its expiry passes; revoked exceptions are neither announced nor audited as expired.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepExceptions } from "@/lib/exceptions/maintenance";
import { startWebhookReceiver } from "../probe/webhook-receiver";
import { openTestDatabase, type TestDatabase } from "../support/db";

const DAY = 86_400_000;
let db: TestDatabase;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  [db, hook] = await Promise.all([openTestDatabase("postgres"), startWebhookReceiver()]);
});
afterAll(async () => {
  await hook?.stop();
  await db?.dispose();
});

describe("the maintenance sweep", () => {
  it("warns once N days before expiry, then audits the expiry once", async () => {
    const t0 = new Date("2027-01-01T00:00:00Z");
    const base = { scope: "environment", environment: "prod", reason: "not reachable", owner: "alice", createdBy: "a@x.io" };
    const e = await db.prisma.cveException.create({ data: { ...base, cveId: "CVE-2024-1234", expiresAt: new Date(t0.getTime() + 10 * DAY) } });
    await db.prisma.cveException.create({ data: { ...base, cveId: "CVE-2024-4321", expiresAt: new Date(t0.getTime() + 5 * DAY), revokedAt: t0, revokedBy: "b@x.io" } });
    const sweep = (at: number) => sweepExceptions(db.prisma, { now: new Date(t0.getTime() + at), warnDays: 7, webhookUrl: hook.url, webhook: { attempts: 1 } });

    expect(await sweep(0)).toEqual({ expired: 0, warned: 0 }); // 10 days left: not yet
    hook.answer(500);
    expect(await sweep(4 * DAY)).toEqual({ expired: 0, warned: 0 }); // 6 days left, but the webhook failed
    hook.answer(200);
    expect(await sweep(4 * DAY + 60_000)).toEqual({ expired: 0, warned: 1 }); // retried
    expect(await sweep(5 * DAY)).toEqual({ expired: 0, warned: 0 }); // once
    expect(hook.bodies).toEqual([
      {
        event: "exception.expiring",
        exception: { id: e.id, subject: "CVE-2024-1234", scope: "environment", scopeTarget: "environment prod", owner: "alice", reason: "not reachable", expiresAt: "2027-01-11T00:00:00.000Z", daysLeft: 6 },
        message: "CVE exception CVE-2024-1234 for environment prod (owner alice) expires 2027-01-11, in 6 days",
        source: "dockmaster",
      },
    ]);

    expect(await sweep(10 * DAY + 1)).toEqual({ expired: 1, warned: 0 });
    expect(await sweep(11 * DAY)).toEqual({ expired: 0, warned: 0 });
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "exception.expired" } });
    expect(audit.map((a) => a.targetId)).toEqual([e.id]);
  });
});
