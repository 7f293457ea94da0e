import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/enforce";
import { AuthError } from "@/lib/auth/enforce";
import { environmentProvider } from "@/lib/browse/lookup";
import type { Role } from "@/lib/auth/policy";
import { createOciProvider, type RegistryProvider } from "@/lib/registry";
import { approvalStanding, configAndUiDirectory } from "@/lib/promotion/approval-policy";
import type { PromotionDeps } from "@/lib/promotion/deps";
import { runPromotion } from "@/lib/promotion/execute";
import { addGroupMember } from "@/lib/promotion/group-members";
import { scanLookup } from "@/lib/promotion/scan-gate";
import { releaseDuePromotions, runNow } from "@/lib/promotion/scheduled";
import { approvePromotion, requestPromotion } from "@/lib/promotion/service";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { seedStandardImages, type SeededStandardImages } from "../harness/seed";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { createPrincipal } from "../support/principals";

// Change windows, approval groups and evidence against two real docker-registry instances, with
// the clock injected: decisions are taken "on a Friday evening in Berlin" and released "on Monday".

let db: TestDatabase;
let devReg: RunningRegistry;
let prodReg: RunningRegistry;
let dev: RegistryProvider;
let prod: RegistryProvider;
let seed: SeededStandardImages;
let deps: PromotionDeps;
let now = new Date();
const scheduled: string[] = [];
const people: Record<string, Principal> = {};

async function person(email: string, grants: { role: Role; env: string | null }[]) {
  people[email.split("@")[0]!] = await createPrincipal(db.prisma, email, grants, "192.0.2.10");
}

const freeze = { timeZone: "Europe/Berlin", deny: [{ days: ["fri"], from: "16:00", to: "08:00", until: "mon" }] };
const setProdPolicy = (policy: object) => db.prisma.environment.update({ where: { name: "prod" }, data: { policy } });
let tags = 0;
const request = (who = "dev") => requestPromotion(deps, people[who]!, { sourceEnv: "dev", repository: seed.single.repository, reference: seed.single.tag, targetEnv: "prod", tag: `policy-${++tags}`, reason: "release" });
const row = (id: string) => db.prisma.promotion.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: "asc" } } } });

beforeAll(async () => {
  [devReg, prodReg] = await Promise.all([startRegistry(), startRegistry()]);
  dev = createOciProvider({ name: "dev", url: devReg.url, auth: { kind: "anonymous" } });
  prod = createOciProvider({ name: "prod", url: prodReg.url, auth: { kind: "anonymous" } });
  seed = await seedStandardImages(dev, { namespace: "dev" });
  await seedStandardImages(prod, { namespace: "prod" });

  db = await openTestDatabase("pglite");
  const a = await db.prisma.registry.create({ data: { name: "reg-dev", kind: "oci", url: devReg.url } });
  const b = await db.prisma.registry.create({ data: { name: "reg-prod", kind: "oci", url: prodReg.url } });
  await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: a.id, namespace: "dev" } });
  await db.prisma.environment.create({ data: { name: "prod", order: 3, registryId: b.id, namespace: "prod", protected: true, policy: {} } });
  deps = { prisma: db.prisma, environment: (name) => environmentProvider(db.prisma, name), scans: scanLookup, schedule: (id) => scheduled.push(id), now: () => now };
  await person("dev@x.io", [{ role: "developer", env: null }]);
  for (const name of ["sec", "sec2", "both", "rel", "approver"]) await person(`${name}@x.io`, [{ role: "approver", env: "prod" }, { role: "viewer", env: null }]);
  await person("admin@x.io", [{ role: "admin", env: null }]);
}, 240_000);

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
  await db?.dispose();
  await Promise.all([devReg?.stop(), prodReg?.stop()]);
});

beforeEach(async () => {
  scheduled.length = 0;
  now = new Date("2026-12-02T10:00:00Z"); // a Wednesday
  await setProdPolicy({});
});

describe("approval groups", () => {
  const groups = { approvals: { groups: [{ name: "security", count: 1, members: ["sec@x.io", "sec2@x.io", "both@x.io"] }, { name: "release", count: 1 }] } };

  beforeAll(async () => {
    await setProdPolicy(groups);
    // release members come from the UI (Settings → Approval groups)
    for (const email of ["both@x.io", "rel@x.io"]) await addGroupMember(db.prisma, { id: people.admin!.id, email: "admin@x.io", ip: null }, { environment: "prod", group: "release", email });
  });

  it("group members added in the UI are audited; a member listed in dockmaster.yaml or an undeclared group is refused", async () => {
    await setProdPolicy(groups);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "approval-group.member-add" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorEmail, a.targetId, (a.detail as { member: string }).member])).toEqual([
      ["admin@x.io", "prod/release", "both@x.io"],
      ["admin@x.io", "prod/release", "rel@x.io"],
    ]);
    const admin = { id: people.admin!.id, email: "admin@x.io", ip: null };
    await expect(addGroupMember(db.prisma, admin, { environment: "prod", group: "security", email: "SEC@x.io" })).rejects.toThrow(/listed in dockmaster\.yaml/);
    await expect(addGroupMember(db.prisma, admin, { environment: "prod", group: "ops", email: "rel@x.io" })).rejects.toThrow(/declares no approval group "ops"/);
  });

  it("two approvals from the same group do not satisfy a policy needing two groups; the page's standing says who owes", async () => {
    await setProdPolicy(groups);
    const p = await request();
    expect(p).toMatchObject({ status: "requested", approvalsRequired: 2, approvalGroups: [{ name: "security", count: 1 }, { name: "release", count: 1 }] });
    expect((await approvePromotion(deps, people.sec!, p.id)).ready).toBe(false);
    expect((await approvePromotion(deps, people.sec2!, p.id)).ready).toBe(false);
    const now = await db.prisma.promotion.findUniqueOrThrow({ where: { id: p.id }, include: { approvals: true } });
    expect(now.status).toBe("requested");
    const standing = await approvalStanding(configAndUiDirectory(db.prisma), now, now.approvals);
    expect(standing.groups.map((g) => [g.name, g.owed])).toEqual([["security", 0], ["release", 1]]);
    expect(scheduled).toEqual([]);
    await approvePromotion(deps, people.rel!, p.id);
    expect((await row(p.id)).status).toBe("approved");
    expect(scheduled).toEqual([p.id]);
  });

  it("one person in both groups counts once; the matching moves them to the group only they can fill", async () => {
    await setProdPolicy(groups);
    const p = await request();
    await approvePromotion(deps, people.both!, p.id);
    expect((await row(p.id)).status).toBe("requested");
    // sec can only sit in security: both@ moves to release, and both groups are satisfied
    expect((await approvePromotion(deps, people.sec!, p.id)).ready).toBe(true);
    const done = await row(p.id);
    expect(done.status).toBe("approved");
    expect(done.evidence).toMatchObject({
      approvals: { required: 2, groups: [{ name: "security", approvedBy: ["sec@x.io"], owed: 0 }, { name: "release", approvedBy: ["both@x.io"], owed: 0 }] },
      decision: { outcome: "approved", by: "sec@x.io" },
    });
  });
});

describe("change windows: approved inside a deny window waits as scheduled", () => {
  it("schedules at Monday 08:00 Berlin across the autumn DST change, and the maintenance sweep runs it then on the real registry", async () => {
    await setProdPolicy({ windows: freeze });
    now = new Date("2026-10-23T14:30:00Z"); // Fri 16:30 CEST
    const p = await request();
    await approvePromotion(deps, people.approver!, p.id);
    let r = await row(p.id);
    expect(r.status).toBe("scheduled");
    expect(r.scheduledFor?.toISOString()).toBe("2026-10-26T07:00:00.000Z"); // Mon 08:00 CET
    expect(scheduled).toEqual([]);
    expect(r.events.at(-1)).toMatchObject({ kind: "scheduled" });
    expect(r.events.at(-1)!.message).toContain("runs at Mon, 26 Oct 2026, 08:00 CET (Europe/Berlin)");
    expect(await db.prisma.auditEvent.count({ where: { action: "promotion.scheduled", targetId: `#${p.number}` } })).toBe(1);
    expect(r.evidence).toMatchObject({ window: { timeZone: "Europe/Berlin", open: false, until: "2026-10-26T07:00:00.000Z" }, decision: { outcome: "scheduled", by: "approver@x.io" } });

    now = new Date("2026-10-26T06:59:00Z"); // Mon 07:59 CET: still closed
    expect(await releaseDuePromotions(deps)).toBe(0);
    expect((await row(p.id)).status).toBe("scheduled");

    now = new Date("2026-10-26T07:00:00Z");
    expect(await releaseDuePromotions(deps)).toBe(1);
    expect(scheduled).toEqual([p.id]);
    expect(await runPromotion(deps, p.id)).toBe("verified");
    expect((await prod.headManifest("prod/single", `policy-${tags}`))?.digest).toBe(seed.single.digest);
    r = await row(p.id);
    expect(r.events.map((e) => e.kind)).toEqual(["request", "approve", "scheduled", "window-open", "copy-start", "verified"]);
    expect(r.evidence).toMatchObject({ promotion: { status: "verified" }, decision: { outcome: "approved", by: "system:change-window" }, execution: { attempts: 1, finishedAt: expect.any(String) } });
  });

  it("re-runs the live gates when the window opens: a tag taken meanwhile sends it back to requested", async () => {
    await setProdPolicy({ windows: freeze, immutableTags: true });
    now = new Date("2027-03-26T15:00:00Z"); // Fri 16:00 CET, spring change ahead
    const p = await request();
    expect(p.gatesPassed).toBe(true);
    await approvePromotion(deps, people.approver!, p.id);
    expect((await row(p.id)).scheduledFor?.toISOString()).toBe("2027-03-29T06:00:00.000Z"); // Mon 08:00 CEST
    // someone points the target tag elsewhere over the weekend
    const other = await prod.getManifest("prod/single", "1.0.0");
    await prod.putManifest("prod/single", `policy-${tags}`, other.bytes, other.mediaType);

    now = new Date("2027-03-29T06:00:00Z");
    expect(await releaseDuePromotions(deps)).toBe(1);
    const r = await row(p.id);
    expect(r).toMatchObject({ status: "requested", gatesPassed: false, scheduledFor: null });
    expect(r.events.map((e) => e.kind).slice(-2)).toEqual(["window-open", "blocked"]);
    expect(scheduled).toEqual([]);
  });

  it("an admin may run it now with a justification (audited); nobody else may", async () => {
    await setProdPolicy({ windows: freeze });
    now = new Date("2026-12-05T12:00:00Z"); // Saturday
    const p = await request();
    await approvePromotion(deps, people.approver!, p.id);
    expect((await row(p.id)).status).toBe("scheduled");
    await expect(runNow(deps, people.approver!, p.id, "incident 4711 needs this now")).rejects.toThrow(AuthError);
    await expect(runNow(deps, people.admin!, p.id, "now")).rejects.toThrow(/written justification/);
    expect(await runNow(deps, people.admin!, p.id, "incident 4711 needs this now")).toEqual({ outcome: "approved" });
    const r = await row(p.id);
    expect(r).toMatchObject({ status: "approved", windowOverride: { by: "admin@x.io", justification: "incident 4711 needs this now" } });
    expect(scheduled).toEqual([p.id]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "promotion.window-override", targetId: `#${p.number}` } });
    expect(audit.actorEmail).toBe("admin@x.io");
    expect(r.evidence).toMatchObject({ overrides: { window: { by: "admin@x.io" } }, decision: { outcome: "approved", by: "admin@x.io" } });
  });

  it("inside an open window it runs at once, and the evidence records the open verdict and the gates as stored", async () => {
    await setProdPolicy({ windows: freeze, immutableTags: true });
    const p = await request();
    await approvePromotion(deps, people.approver!, p.id);
    const r = await row(p.id);
    expect(r.status).toBe("approved");
    expect(scheduled).toEqual([p.id]);
    expect(r.evidence).toMatchObject({
      format: "dockmaster.promotion-evidence/v1",
      promotion: { number: p.number, digest: seed.single.digest },
      policy: { immutableTags: true },
      gates: { passed: true, results: r.gates },
      window: { open: true, timeZone: "Europe/Berlin", evaluatedAt: "2026-12-02T10:00:00.000Z" },
      approvals: { decisions: [{ by: "approver@x.io", decision: "approve" }] },
    });
  });
});
