/**
 * Identical consecutive failures of a target fold into one row with a count and the run's start; a
 * success or a different error starts a new row; another target's failures interleaved in time do
 * not break a target's run; failures older than the window are not listed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_WINDOW_MS, failureRuns } from "@/lib/probe/failure-runs";
import { openTestDatabase, type TestDatabase } from "../support/db";

const NOW = Date.parse("2026-11-30T06:00:00Z");
const MIN = 60_000;

describe("failure runs", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const a = await db.prisma.probeTarget.create({ data: { name: "a-up", kind: "reachability", registryName: "dev", params: {}, intervalSeconds: 60, timeoutMs: 2000 } });
    const b = await db.prisma.probeTarget.create({ data: { name: "b-up", kind: "reachability", registryName: "dev", params: {}, intervalSeconds: 60, timeoutMs: 2000 } });
    const refused = { ok: false, errorClass: "unreachable", message: "connection refused" };
    const result = (targetId: string, minutesAgo: number, r: { ok: boolean; errorClass?: string; message?: string }) => ({
      targetId, kind: "reachability", at: new Date(NOW - minutesAgo * MIN), latencyMs: minutesAgo, ...r,
    });
    await db.prisma.probeResult.createMany({
      data: [
        // older than the window: not listed
        result(a.id, FAILURE_WINDOW_MS / MIN + 5, refused),
        // a: 3 refused, a success, then 20 refused (05:31 … 05:50), interleaved with b's timeouts
        ...[40, 39, 38].map((m) => result(a.id, m, refused)),
        result(a.id, 37, { ok: true }),
        ...Array.from({ length: 20 }, (_, i) => result(a.id, 29 - i, refused)),
        ...[30, 20, 11].map((m) => result(b.id, m, { ok: false, errorClass: "timeout", message: "timed out after 2000 ms" })),
        // "unsupported" is neither a failure nor a success: it does not break b's run
        result(b.id, 15, { ok: false, errorClass: "unsupported", message: "not here" }),
        // a different error of a right after its run
        result(a.id, 5, { ok: false, errorClass: "unauthorized", message: "401" }),
      ],
    });
  });
  afterAll(async () => db?.dispose());

  it("folds each target's identical consecutive failures, newest run first", async () => {
    const runs = await failureRuns(db.prisma, NOW);
    expect(runs.map((r) => [r.target, r.message, r.count, r.since.slice(11, 16), r.at.slice(11, 16)])).toEqual([
      ["a-up", "401", 1, "05:55", "05:55"],
      ["a-up", "connection refused", 20, "05:31", "05:50"],
      ["b-up", "timed out after 2000 ms", 3, "05:30", "05:49"],
      ["a-up", "connection refused", 3, "05:20", "05:22"],
    ]);
    expect(runs[1]!.latencyMs).toBe(10);
  });

  it("keeps at most `limit` runs", async () => {
    expect(await failureRuns(db.prisma, NOW, 2)).toHaveLength(2);
  });
});
