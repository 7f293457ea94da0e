/**
 * Status changes racing each other and a running copy, against a real docker-registry, on PGlite and
 * PostgreSQL. Each named race is forced with injected delays: an actor's database transaction is held
 * until the other side has moved (the actor read the promotion before, writes after), and the copy
 * is held just before it writes the target tag. The loop at the end fires every decision at random
 * moments and checks that the end state agrees with what the timeline says happened.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "@/lib/auth/enforce";
import type { Role } from "@/lib/auth/policy";
import { environmentProvider } from "@/lib/browse/lookup";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { PromotionDeps } from "@/lib/promotion/deps";
import { PromotionError } from "@/lib/promotion/errors";
import { rollbackPromotion, runPromotion } from "@/lib/promotion/execute";
import { scanLookup } from "@/lib/promotion/scan-gate";
import { approvePromotion, overrideGates, rejectPromotion, requestPromotion, retryPromotion } from "@/lib/promotion/service";
import { createOciProvider, type RegistryProvider } from "@/lib/registry";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";
import { createPrincipal } from "../support/principals";

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, wait: () => opened };
}

/** The same client, except that each $transaction first awaits `before()`: an actor who read, then stalls before writing. */
function stallingPrisma(prisma: PrismaClient, before: () => Promise<void>): PrismaClient {
  return new Proxy(prisma, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key === "$transaction") return async (...args: unknown[]) => (await before(), (value as (...a: unknown[]) => unknown).apply(target, args));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Calls `onPut` before the provider writes a manifest: the copy is in flight, its tag not yet written. */
function holdingPuts(provider: RegistryProvider, onPut: () => Promise<void>): RegistryProvider {
  return new Proxy(provider, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key === "putManifest") return async (...args: unknown[]) => (await onPut(), (value as (...a: unknown[]) => unknown).apply(target, args));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const conflict = (r: PromiseSettledResult<unknown>) => r.status === "rejected" && r.reason instanceof PromotionError && r.reason.kind === "conflict";

describe.each(dbKinds)("promotion status races on %s", (kind) => {
  let db: TestDatabase;
  let reg: RunningRegistry;
  let provider: RegistryProvider;
  let deps: PromotionDeps;
  let beforePut: () => Promise<void> = async () => {};
  const scheduled: string[] = [];
  const people: Record<string, Principal> = {};
  let n = 0;

  async function person(name: string, grants: { role: Role; env: string | null }[]) {
    people[name] = await createPrincipal(db.prisma, `${name}@x.io`, grants, null);
  }

  /** A fresh image in dev and a tag in prod that already exists (so a rollback has something to restore). */
  async function request(policy: object = {}) {
    const tag = `r${++n}`;
    await pushImage(provider, "dev/app", buildImage({ layerCount: 1, layerSize: 256 }), tag);
    await pushImage(provider, "prod/app", buildImage({ layerCount: 1, layerSize: 256 }), tag);
    await db.prisma.environment.update({ where: { name: "prod" }, data: { policy } });
    return requestPromotion(deps, people.dev!, { sourceEnv: "dev", repository: "dev/app", reference: tag, targetEnv: "prod", tag, reason: "race test" });
  }

  /** deps whose transactions wait for `before()`: this actor has read the promotion and stalls before writing */
  const stalled = (before: () => Promise<void>): PromotionDeps => ({ ...deps, prisma: stallingPrisma(db.prisma, before) });

  /** Lets `count` stalled actors through together, once all of them have read. */
  function rendezvous(count: number) {
    let arrived = 0;
    const all = latch();
    return async () => {
      if (++arrived === count) all.open();
      await all.wait();
    };
  }

  const state = async (id: string) => {
    const p = await db.prisma.promotion.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: "asc" } }, approvals: true } });
    return { status: p.status, attempts: p.attempts, kinds: p.events.map((e) => e.kind), approvals: p.approvals };
  };

  beforeAll(async () => {
    reg = await startRegistry();
    provider = createOciProvider({ name: "races", url: reg.url, auth: { kind: "anonymous" } });
    db = await openTestDatabase(kind);
    const r = await db.prisma.registry.create({ data: { name: "reg", kind: "oci", url: reg.url } });
    await db.prisma.environment.create({ data: { name: "dev", order: 1, registryId: r.id, namespace: "dev" } });
    await db.prisma.environment.create({ data: { name: "prod", order: 2, registryId: r.id, namespace: "prod", protected: true, policy: {} } });
    deps = {
      prisma: db.prisma,
      async environment(name) {
        const found = await environmentProvider(db.prisma, name);
        return found && { ...found, provider: holdingPuts(found.provider, () => beforePut()) };
      },
      scans: scanLookup,
      schedule: (id) => scheduled.push(id),
      progressIntervalMs: 0,
    };
    await person("dev", [{ role: "developer", env: null }]);
    await person("dev2", [{ role: "developer", env: null }]);
    await person("approver", [{ role: "approver", env: "prod" }, { role: "viewer", env: null }]);
    await person("approver2", [{ role: "approver", env: "prod" }, { role: "viewer", env: null }]);
    await person("admin", [{ role: "admin", env: null }]);
  }, 180_000);

  afterAll(async () => {
    await provider?.close();
    await db?.dispose();
    await reg?.stop();
  });

  it("a reject that read 'requested' but writes after the copy started is refused; the copy ends verified", async () => {
    const p = await request();
    const rejectRead = latch();
    const copyInFlight = latch();
    const rejectSettled = latch();
    // the rejecter read the promotion while it awaited approval, then stalls until the copy is under way
    const rejecting = rejectPromotion(stalled(async () => (rejectRead.open(), copyInFlight.wait())), people.approver2!, p.id, "not this one");
    void rejecting.catch(() => undefined).finally(rejectSettled.open);
    await rejectRead.wait();
    await approvePromotion(deps, people.approver!, p.id);
    beforePut = async () => (copyInFlight.open(), rejectSettled.wait());
    const [reject, run] = await Promise.allSettled([rejecting, runPromotion(deps, p.id)]);
    beforePut = async () => {};

    const s = await state(p.id);
    expect(run).toEqual({ status: "fulfilled", value: "verified" });
    expect(s.status).toBe("verified");
    expect(conflict(reject)).toBe(true);
    expect((reject as PromiseRejectedResult).reason.message).toMatch(/is copying/);
    expect(s.kinds).not.toContain("reject");
    expect(s.approvals.map((a) => a.decision)).toEqual(["approve"]);
  });

  it("an override that read 'requested' cannot approve a promotion rejected meanwhile", async () => {
    scheduled.length = 0;
    // no signature trust is loaded in these deps, so the declared signature gate fails
    const p = await request({ signature: { keys: [], minSignatures: 1 }, approvals: 0 });
    expect(p).toMatchObject({ status: "requested", gatesPassed: false });
    const overrideRead = latch();
    const rejected = latch();
    const overriding = overrideGates(stalled(async () => (overrideRead.open(), rejected.wait())), people.admin!, p.id, "incident 1234: must ship now");
    await overrideRead.wait();
    await rejectPromotion(deps, people.approver!, p.id, "not without a signature");
    rejected.open();
    const [override] = await Promise.allSettled([overriding]);

    expect(conflict(override!)).toBe(true);
    expect((await state(p.id)).status).toBe("rejected");
    expect(scheduled).toEqual([]);
  });

  it("two retries of one failed copy: one wins, the other is refused", async () => {
    const p = await request();
    await approvePromotion(deps, people.approver!, p.id);
    beforePut = async () => {
      throw new Error("injected: registry went away");
    };
    expect(await runPromotion(deps, p.id)).toBe("failed");
    beforePut = async () => {};
    scheduled.length = 0;
    const both = rendezvous(2);
    const results = await Promise.allSettled([retryPromotion(stalled(both), people.dev!, p.id), retryPromotion(stalled(both), people.dev2!, p.id)]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter(conflict)).toHaveLength(1);
    expect(scheduled).toEqual([p.id]);
    expect(await runPromotion(deps, p.id)).toBe("verified");
    const s = await state(p.id);
    expect(s.kinds.filter((k) => k === "retry")).toHaveLength(1);
    expect(s).toMatchObject({ status: "verified", attempts: 2 });
  });

  it("two rollbacks at once: one rolls back, the other is refused", async () => {
    const p = await request();
    await approvePromotion(deps, people.approver!, p.id);
    expect(await runPromotion(deps, p.id)).toBe("verified");
    const both = rendezvous(2);
    const results = await Promise.allSettled([rollbackPromotion(stalled(both), people.approver!, p.id, "bad"), rollbackPromotion(stalled(both), people.approver2!, p.id, "bad too")]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter(conflict)).toHaveLength(1);
    const s = await state(p.id);
    expect(s.status).toBe("rolled_back");
    expect(s.kinds.filter((k) => k === "rollback")).toHaveLength(1);
  });

  it("the same approver twice at once (a double click): one approval counts, the other is refused", async () => {
    const p = await request({ approvals: 2 });
    const both = rendezvous(2);
    const results = await Promise.allSettled([approvePromotion(stalled(both), people.approver!, p.id), approvePromotion(stalled(both), people.approver!, p.id)]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter(conflict)).toHaveLength(1);
    const s = await state(p.id);
    expect(s.status).toBe("requested");
    expect(s.approvals).toHaveLength(1);
    expect(s.kinds.filter((k) => k === "approve")).toHaveLength(1);
  });

  it("two approvers at once when two are needed: both count, and the promotion is approved (the second sees the first under the lock)", async () => {
    const p = await request({ approvals: 2 });
    const both = rendezvous(2);
    const results = await Promise.allSettled([approvePromotion(stalled(both), people.approver!, p.id), approvePromotion(stalled(both), people.approver2!, p.id)]);

    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const s = await state(p.id);
    expect(s.approvals).toHaveLength(2);
    expect(s.status).not.toBe("requested");
  });

  it("every decision fired at random moments against running copies ends in a state the timeline explains", async () => {
    const jitter = () => new Promise((r) => setTimeout(r, Math.random() * 25));
    for (let i = 0; i < 12; i++) {
      scheduled.length = 0;
      const p = await request();
      // copies take a while, so decisions land before, during and after them
      beforePut = async () => void (await jitter());
      const act = async <T,>(fn: () => Promise<T>) => (await jitter(), fn());
      const [approve, reject, retry, rollback] = await Promise.allSettled([
        act(async () => {
          await approvePromotion(deps, people.approver!, p.id);
          return runPromotion(deps, p.id);
        }),
        act(() => rejectPromotion(deps, people.approver2!, p.id, "random no")),
        act(() => retryPromotion(deps, people.dev2!, p.id)),
        act(() => rollbackPromotion(deps, people.admin!, p.id, "random back")),
      ]);
      for (const id of scheduled.splice(0)) await runPromotion(deps, id);
      beforePut = async () => {};

      const s = await state(p.id);
      const context = JSON.stringify({ i, s, approve: approve.status, reject: reject.status, retry: retry.status, rollback: rollback.status });
      for (const r of [approve, reject, retry, rollback]) {
        // a refusal is a 409 or 403 naming the state, never an internal error
        if (r.status === "rejected") expect(r.reason, context).toBeInstanceOf(PromotionError);
      }
      if (reject.status === "fulfilled") {
        expect(s.status, context).toBe("rejected");
        expect(s.kinds, context).not.toContain("copy-start");
        expect(s.kinds, context).not.toContain("verified");
      }
      if (s.status === "rejected") expect(reject.status, context).toBe("fulfilled");
      if (s.status === "verified") expect(s.kinds.at(-1), context).toBe("verified");
      if (rollback.status === "fulfilled") expect(s.status, context).toBe("rolled_back");
      if (s.status === "rolled_back") expect(s.kinds.slice(-2), context).toEqual(["verified", "rollback"]);
      expect(s.kinds.filter((k) => k === "retry").length, context).toBe(retry.status === "fulfilled" ? 1 : 0);
      expect(s.kinds.filter((k) => k === "copy-start").length, context).toBe(s.attempts);
      expect(["requested", "rejected", "verified", "rolled_back"], context).toContain(s.status);
    }
  }, 120_000);
});
