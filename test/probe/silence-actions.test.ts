/**
 * The silence server actions, run in-process against the app's embedded runtime: silencing an alert
 * takes probe.acknowledge (approvers, who are on call), silencing a rule takes probe.manage
 * (administrators); a viewer is refused both, on the server, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeEmbeddedRuntime, openEmbeddedRuntime } from "../support/embedded-runtime";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionVersion: number } } }));
vi.mock("next-auth", () => ({ getServerSession: vi.fn(async () => session.current) }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "192.0.2.45" }) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let dir: string;
let prisma: Awaited<ReturnType<typeof import("@/lib/runtime").getPrisma>>;
const ids = { viewer: "", approver: "", admin: "", alert: "", rule: "" };
const as = (id: string) => (session.current = { user: { id, sessionVersion: 0 } });

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

beforeAll(async () => {
  ({ dir, prisma } = await openEmbeddedRuntime("dm-silence-", { NEXTAUTH_URL: "http://127.0.0.1:3000" }));
  const { createUser } = await import("@/lib/auth/users");
  const sys = { actor: null, ip: null };
  ids.viewer = (await createUser(prisma, sys, { email: "viewer@x.io", password: "viewer password", grants: [{ role: "viewer", environmentId: null }] })).id;
  ids.approver = (await createUser(prisma, sys, { email: "approver@x.io", password: "approver password", grants: [{ role: "approver", environmentId: null }] })).id;
  ids.admin = (await createUser(prisma, sys, { email: "admin@x.io", password: "admin password", grants: [{ role: "admin", environmentId: null }] })).id;
  const rule = await prisma.probeAlertRule.create({ data: { name: "three-strikes", kind: "consecutive_failures", threshold: 3 } });
  const target = await prisma.probeTarget.create({ data: { name: "x-up", kind: "reachability", registryName: "dev", params: {}, intervalSeconds: 60, timeoutMs: 2000 } });
  ids.rule = rule.id;
  ids.alert = (await prisma.probeAlert.create({ data: { ruleId: rule.id, targetId: target.id, kind: rule.kind, message: "x-up failed 3 times in a row" } })).id;
}, 180_000);

afterAll(() => closeEmbeddedRuntime(dir));

describe("silence actions", () => {
  it("a viewer may silence neither an alert nor a rule", async () => {
    const { silenceAlertAction, silenceRuleAction } = await import("@/app/(app)/probes/actions");
    as(ids.viewer);
    expect(await silenceAlertAction(undefined, form({ id: ids.alert, duration: "1h" }))).toMatchObject({ status: "error", message: expect.stringContaining("to acknowledge probe alerts") });
    expect(await silenceRuleAction(undefined, form({ id: ids.rule, duration: "1h" }))).toMatchObject({ status: "error", message: expect.stringContaining("to manage probes") });
    expect((await prisma.probeAlert.findUniqueOrThrow({ where: { id: ids.alert } })).silencedUntil).toBeNull();
    expect((await prisma.probeAlertRule.findUniqueOrThrow({ where: { id: ids.rule } })).silencedUntil).toBeNull();
  });

  it("an approver silences an alert, but not the whole rule", async () => {
    const { silenceAlertAction, silenceRuleAction } = await import("@/app/(app)/probes/actions");
    as(ids.approver);
    const before = Date.now();
    expect(await silenceAlertAction(undefined, form({ id: ids.alert, duration: "4h" }))).toMatchObject({ status: "ok", message: expect.stringMatching(/^Silenced until /) });
    const alert = await prisma.probeAlert.findUniqueOrThrow({ where: { id: ids.alert } });
    expect(alert.silencedBy).toBe("approver@x.io");
    expect(alert.silencedUntil!.getTime() - before).toBeGreaterThanOrEqual(4 * 3_600_000 - 1000);
    expect(alert.silencedUntil!.getTime() - before).toBeLessThanOrEqual(4 * 3_600_000 + 5000);
    expect(await silenceRuleAction(undefined, form({ id: ids.rule, duration: "1h" }))).toMatchObject({ status: "error", message: expect.stringContaining("to manage probes") });
  });

  it("an administrator silences a rule for a custom time; a bad custom time is a field error", async () => {
    const { silenceRuleAction } = await import("@/app/(app)/probes/actions");
    as(ids.admin);
    expect(await silenceRuleAction(undefined, form({ id: ids.rule, duration: "custom", customHours: "200" }))).toMatchObject({ status: "error", fieldErrors: { customHours: [expect.stringContaining("at most 168")] } });
    expect(await silenceRuleAction(undefined, form({ id: ids.rule, duration: "custom", customHours: "2" }))).toMatchObject({ status: "ok" });
    expect((await prisma.probeAlertRule.findUniqueOrThrow({ where: { id: ids.rule } })).silencedBy).toBe("admin@x.io");
    const audit = await prisma.auditEvent.findMany({ where: { action: { in: ["probe.alert.silence", "probe.rule.silence"] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorEmail, a.sourceIp])).toEqual([
      ["probe.alert.silence", "approver@x.io", "192.0.2.45"],
      ["probe.rule.silence", "admin@x.io", "192.0.2.45"],
    ]);
  });
});
