/**
 * The sync's write queue: batches have a floor (the writer lingers for `minBatch` items, at most
 * `lingerMs`), a ceiling (`maxBatch`), readers wait while `maxQueued` are waiting, and drain() writes
 * a lone item at once instead of lingering.
 */
import { describe, expect, it } from "vitest";
import { createWriteQueue } from "@/lib/inventory/index/write-queue";

function recorder(writeMs = 0) {
  const batches: number[][] = [];
  return { batches, write: async (b: number[]) => void (batches.push(b), writeMs && (await new Promise((r) => setTimeout(r, writeMs)))) };
}

describe("createWriteQueue", () => {
  it("waits for minBatch items before writing, instead of one transaction per item", async () => {
    const r = recorder();
    const q = createWriteQueue({ maxBatch: 100, maxQueued: 200, minBatch: 10, lingerMs: 10_000, write: r.write });
    for (let i = 0; i < 25; i++) {
      await q.add(i);
      await new Promise((resolve) => setImmediate(resolve)); // the writer gets every chance to run between items
    }
    await q.drain();
    expect(r.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(r.batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("writes what is queued once the linger ends, without drain", async () => {
    const r = recorder();
    const q = createWriteQueue({ maxBatch: 100, maxQueued: 200, minBatch: 50, lingerMs: 20, write: r.write });
    await q.add(1);
    await q.add(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.batches).toEqual([[1, 2]]);
  });

  it("drain cuts the linger short: a lone item is written at once", async () => {
    const r = recorder();
    const q = createWriteQueue({ maxBatch: 100, maxQueued: 200, minBatch: 50, lingerMs: 60_000, write: r.write });
    await q.add(7);
    const started = Date.now();
    await q.drain();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.batches).toEqual([[7]]);
  });

  it("caps batches at maxBatch and holds readers back while maxQueued wait", async () => {
    const r = recorder(20);
    const q = createWriteQueue({ maxBatch: 4, maxQueued: 4, minBatch: 4, lingerMs: 5, write: r.write });
    // while the first batch is being written, at most maxQueued more are accepted
    let accepted = 0;
    const adds = Array.from({ length: 20 }, (_, i) => q.add(i).then(() => accepted++));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(accepted).toBeLessThanOrEqual(8);
    await Promise.all(adds);
    await q.drain();
    expect(Math.max(...r.batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(r.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
