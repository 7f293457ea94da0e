import { describe, expect, it } from "vitest";
import { Planner, isSlotOf, jobIdOf, phaseOf, slotsBetween } from "./slots";

const t = (id: string, intervalSeconds = 60) => ({ id, intervalSeconds, timeoutMs: 1000 });

describe("probe slots", () => {
  it("are interval apart, phase-shifted per target, and within (after, upTo]", () => {
    const a = t("alpha");
    const slots = slotsBetween(a, 1_000_000, 1_000_000 + 300_000);
    expect(slots).toHaveLength(5);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(60_000);
    expect(slots[0]! % 60_000).toBe(phaseOf("alpha", 60_000));
    expect(slots[0]).toBeGreaterThan(1_000_000);
    // a boundary slot belongs to the range that ends on it, not to the next one
    expect(slotsBetween(a, slots[0]! - 1, slots[0]!)).toEqual([slots[0]]);
    expect(slotsBetween(a, slots[0]!, slots[0]! + 1)).toEqual([]);
  });

  it("spread a thousand same-interval targets across the interval", () => {
    const phases = new Set(Array.from({ length: 1000 }, (_, i) => Math.floor(phaseOf(`target-${i}`, 60_000) / 1000)));
    expect(phases.size).toBeGreaterThan(55); // nearly every second of the minute is used
  });

  it("recognise their own slots and reject those of another interval", () => {
    const [slot] = slotsBetween(t("beta", 30), 0, 30_000);
    expect(isSlotOf(t("beta", 30), slot!)).toBe(true);
    expect(isSlotOf(t("beta", 30), slot! + 30_000 * 7)).toBe(true);
    expect(isSlotOf(t("beta", 30), slot! + 1)).toBe(false);
    expect(isSlotOf(t("beta", 45), slot!)).toBe(phaseOf("beta", 45_000) === slot! % 45_000);
  });

  it("get the same job id on every replica, and a different one per slot or target", () => {
    const id = jobIdOf({ targetId: "x", slot: 123 });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobIdOf({ targetId: "x", slot: 123 })).toBe(id);
    expect(jobIdOf({ targetId: "x", slot: 124 })).not.toBe(id);
    expect(jobIdOf({ targetId: "y", slot: 123 })).not.toBe(id);
  });
});

describe("planner", () => {
  it("hands out each slot once across passes, and keeps planning as time moves on", () => {
    const p = new Planner(30_000);
    const targets = [t("a", 10), t("b", 10)];
    const first = p.due(targets, 0);
    const again = p.due(targets, 1_000);
    const later = p.due(targets, 40_000);
    const all = [...first, ...again, ...later].map((j) => `${j.targetId}@${j.slot}`);
    expect(new Set(all).size).toBe(all.length);
    expect(first).toHaveLength(6); // 3 slots of each target in the first 30 s
    expect(again.length).toBeLessThanOrEqual(2); // only what the extra second added
    for (const id of ["a", "b"]) {
      const slots = [...first, ...again, ...later].filter((j) => j.targetId === id).map((j) => j.slot);
      for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(10_000); // no gap, no repeat
    }
  });

  it("starts a fresh plan when a target's interval changes, and forgets removed targets", () => {
    const p = new Planner(30_000);
    p.due([t("a", 10)], 0);
    const changed = p.due([t("a", 15)], 1_000);
    expect(changed.length).toBe(2);
    expect(changed.every((j) => isSlotOf(t("a", 15), j.slot))).toBe(true);
    expect(p.due([], 2_000)).toEqual([]);
    expect(p.due([t("a", 15)], 3_000).length).toBe(2); // re-added: planned again from now
  });
});
