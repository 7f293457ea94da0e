import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessScheduler } from "@/lib/probe/scheduler/in-process";
import { PgBossScheduler } from "@/lib/probe/scheduler/pg-boss";
import { slotsBetween, type ProbeJob, type ScheduledTarget } from "@/lib/probe/scheduler/slots";
import type { SchedulerHooks } from "@/lib/probe/scheduler/types";
import { createEmptyPostgres } from "../support/db";

interface Run extends ProbeJob {
  by: string;
  at: number;
}

const targets: ScheduledTarget[] = Array.from({ length: 12 }, (_, i) => ({ id: `target-${i}`, intervalSeconds: 1, timeoutMs: 1000 }));

function recorder(runs: Run[], by: string): SchedulerHooks {
  return {
    loadTargets: async () => targets,
    run: async (job) => {
      runs.push({ ...job, by, at: Date.now() });
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 30)); // a probe takes a little while
    },
  };
}

const until = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (r: ProbeJob) => `${r.targetId}@${r.slot}`;

function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(0.95 * (s.length - 1))]!;
}

/** Every slot of every target in (from, to] was run. */
function expectAllSlotsRun(runs: Run[], from: number, to: number) {
  const done = new Set(runs.map(key));
  const missing = targets.flatMap((t) => slotsBetween(t, from, to).map((slot) => ({ targetId: t.id, slot }))).filter((j) => !done.has(key(j)));
  expect(missing).toEqual([]);
}

describe("pg-boss scheduler: two replicas on one PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof createEmptyPostgres>>;
  beforeAll(async () => {
    db = await createEmptyPostgres();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("never run the same job twice, share the work, and the survivor keeps every schedule when one dies", async () => {
    const runs: Run[] = [];
    const opts = { lookaheadMs: 4000, planEveryMs: 500, pollMs: 100, concurrency: 8 };
    const a = new PgBossScheduler(db.url, recorder(runs, "a"), opts);
    const b = new PgBossScheduler(db.url, recorder(runs, "b"), opts);
    await Promise.all([a.start(), b.start()]);
    const started = Date.now();
    await until(6000);

    const death = Date.now();
    await a.stop({ graceful: false }); // no cleanup, no completion: as if the process was killed
    const ranByA = runs.filter((r) => r.by === "a").length;
    await until(5000);
    const end = Date.now();
    await b.stop();

    const keys = runs.map(key);
    expect(keys.length).toBeGreaterThan(targets.length * 8);
    expect(new Set(keys).size).toBe(keys.length); // no job ran twice
    expect(ranByA).toBeGreaterThan(10); // both replicas did a share of the work
    expect(runs.filter((r) => r.by === "b" && r.at < death).length).toBeGreaterThan(10);
    // from the first second on, every slot of every target ran, also after replica a died
    expectAllSlotsRun(runs, started + 1000, end - 1000);
    expect(runs.filter((r) => r.at > death + 100).every((r) => r.by === "b")).toBe(true);
    expect(p95(runs.map((r) => r.at - r.slot))).toBeLessThan(1000);
  }, 40_000);
});

describe("in-process scheduler (embedded database)", () => {
  it("runs every slot of every target once, bounded by its concurrency", async () => {
    const runs: Run[] = [];
    let running = 0;
    let peak = 0;
    const hooks = recorder(runs, "solo");
    const s = new InProcessScheduler(
      {
        ...hooks,
        run: async (job) => {
          peak = Math.max(peak, ++running);
          await hooks.run(job).finally(() => running--);
        },
      },
      { lookaheadMs: 3000, planEveryMs: 500, concurrency: 4 },
    );
    await s.start();
    const started = Date.now();
    await until(3500);
    const end = Date.now();
    await s.stop();
    const keys = runs.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expectAllSlotsRun(runs, started, end - 500);
    expect(peak).toBeLessThanOrEqual(4);
    const count = runs.length;
    await until(1500);
    expect(runs.length).toBe(count); // stopped means stopped
  }, 20_000);
});
