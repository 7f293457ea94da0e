import { describe, expect, it } from "vitest";
import { createLimiter, mapConcurrent } from "./concurrency";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapConcurrent", () => {
  it("keeps order and never exceeds the limit", async () => {
    let active = 0;
    let peak = 0;
    const result = await mapConcurrent([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await tick(n * 3);
      active--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it("stops starting new work after the first failure and rejects with that error", async () => {
    const started: number[] = [];
    const promise = mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      started.push(n);
      await tick(5);
      if (n === 1) throw new Error("boom at 1");
      return n;
    });
    await expect(promise).rejects.toThrow("boom at 1");
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it("handles empty input and rejects a nonsensical limit", async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
    await expect(mapConcurrent([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe("createLimiter", () => {
  it("shares one limit across independent callers, even with newcomers arriving as slots free up", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const job = async (ms: number) => {
      active++;
      peak = Math.max(peak, active);
      await tick(ms);
      active--;
    };
    const first = Array.from({ length: 5 }, (_, i) => limit(() => job(5 + i)));
    await tick(6);
    const late = Array.from({ length: 5 }, () => limit(() => job(3)));
    await Promise.all([...first, ...late]);
    expect(peak).toBe(2);
    expect(active).toBe(0);
  });
});
