import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./token-bucket";

/** a fake clock: sleeping advances it, so the test measures the bucket's arithmetic, not the machine */
function fakeClock() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => { slept.push(ms); t += ms; }, slept, at: () => t };
}

describe("token bucket", () => {
  it("paces 50 takes at 10 per second to 4.9 s (the first token is free)", async () => {
    const c = fakeClock();
    const b = createTokenBucket(10, c);
    for (let i = 0; i < 50; i++) await b.take();
    expect(c.at()).toBeCloseTo(4900, 0);
  });

  it("concurrent takers do not share a token", async () => {
    const c = fakeClock();
    const b = createTokenBucket(100, c);
    await Promise.all(Array.from({ length: 20 }, () => b.take()));
    expect(c.at()).toBeCloseTo(190, 0);
  });

  it("a pause does not turn into a burst beyond its size", async () => {
    const c = fakeClock();
    const b = createTokenBucket(10, { ...c, burst: 3 });
    await b.take();
    await c.sleep(60_000); // an idle minute
    const before = c.at();
    for (let i = 0; i < 13; i++) await b.take();
    // 3 at once from the full bucket, then 10 more at 100 ms each
    expect(c.at() - before).toBeCloseTo(1000, 0);
  });

  it("refuses a rate of zero", () => {
    expect(() => createTokenBucket(0)).toThrow(/above 0/);
  });
});
