import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessScheduler } from "@/lib/probe/scheduler/in-process";
import { PgBossScheduler } from "@/lib/probe/scheduler/pg-boss";
import { slotsBetween, type ProbeJob, type ScheduledTarget } from "@/lib/probe/scheduler/slots";
import type { SchedulerHooks } from "@/lib/probe/scheduler/types";
import { ManualClock } from "../support/clock";
import { createEmptyPostgres } from "../support/db";

// The schedulers run on a manual clock: the test moves time forward in steps instead of sleeping
// through seconds of schedule, and checks what ran after each step.

interface Run extends ProbeJob {
  by: string;
  at: number;
}

const targets: ScheduledTarget[] = Array.from({ length: 12 }, (_, i) => ({ id: `target-${i}`, intervalSeconds: 1, timeoutMs: 1000 }));

function recorder(runs: Run[], by: string, clock: ManualClock): SchedulerHooks {
  return {
    loadTargets: async () => targets,
    run: async (job) => {
      runs.push({ ...job, by, at: clock.now() });
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 30)); // a probe takes a little while
    },
  };
}

const key = (r: ProbeJob) => `${r.targetId}@${r.slot}`;

function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(0.95 * (s.length - 1))]!;
}

/** Slots of every target in (from, to] that no run covered. */
function missingSlots(runs: Run[], from: number, to: number) {
  const done = new Set(runs.map(key));
  return targets.flatMap((t) => slotsBetween(t, from, to).map((slot) => ({ targetId: t.id, slot }))).filter((j) => !done.has(key(j)));
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
    // The queue decides what is due by the database's own clock, so the manual clock runs ten
    // minutes behind it: every slot it plans is already due for the database, and with no lookahead
    // a slot is queued exactly when the manual clock reaches it.
    const clock = new ManualClock(Date.now() - 600_000);
    const runs: Run[] = [];
    const opts = { lookaheadMs: 0, planEveryMs: 500, pollMs: 20, concurrency: 8, clock };
    const a = new PgBossScheduler(db.url, recorder(runs, "a", clock), opts);
    const b = new PgBossScheduler(db.url, recorder(runs, "b", clock), opts);
    await Promise.all([a.start(), b.start()]);
    const started = clock.now();
    const step = async (seconds: number) => {
      for (let i = 0; i < seconds * 2; i++) {
        await clock.advance(500);
        await vi.waitFor(() => expect(missingSlots(runs, started, clock.now())).toEqual([]), { timeout: 10_000, interval: 20 });
      }
    };
    await step(10); // long enough that each replica wins more than 10 fetches even when one is luckier

    const death = clock.now();
    await a.stop({ graceful: false }); // no cleanup, no completion: as if the process was killed
    const ranByA = runs.filter((r) => r.by === "a").length;
    await step(5); // every slot after the death runs too, or step() times out
    const end = clock.now();
    await b.stop();

    const keys = runs.map(key);
    expect(keys.length).toBeGreaterThan(targets.length * 10);
    expect(new Set(keys).size).toBe(keys.length); // no job ran twice
    expect(ranByA).toBeGreaterThan(10); // both replicas did a share of the work
    expect(runs.filter((r) => r.by === "b" && r.at < death).length).toBeGreaterThan(10);
    expect(missingSlots(runs, started, end)).toEqual([]);
    expect(runs.filter((r) => r.at > death).every((r) => r.by === "b")).toBe(true);
    expect(p95(runs.map((r) => r.at - r.slot))).toBeLessThan(1000);
  }, 40_000);
});

describe("in-process scheduler (embedded database)", () => {
  it("runs every slot of every target once, bounded by its concurrency", async () => {
    const clock = new ManualClock(Date.now());
    const runs: Run[] = [];
    let running = 0;
    let peak = 0;
    const hooks = recorder(runs, "solo", clock);
    const s = new InProcessScheduler(
      {
        ...hooks,
        run: async (job) => {
          peak = Math.max(peak, ++running);
          await hooks.run(job).finally(() => running--);
        },
      },
      { lookaheadMs: 3000, planEveryMs: 500, concurrency: 4, clock },
    );
    await s.start();
    const started = clock.now();
    for (let i = 0; i < 35; i++) {
      await clock.advance(100);
      await vi.waitFor(() => expect(missingSlots(runs, started, clock.now())).toEqual([]), { timeout: 10_000, interval: 10 });
    }
    const end = clock.now();
    await s.stop(); // waits for the runs under way
    const keys = runs.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(missingSlots(runs, started, end)).toEqual([]);
    expect(runs.every((r) => r.at >= r.slot)).toBe(true); // planned ahead, run on time, never early
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    const count = runs.length;
    await clock.advance(1500);
    expect(clock.pending).toBe(0); // stopped means no timer left behind
    expect(runs.length).toBe(count); // and nothing runs any more
  }, 20_000);
});
