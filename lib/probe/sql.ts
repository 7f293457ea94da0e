import { UNSUPPORTED } from "./types";

/** Times cross the SQL boundary as epoch milliseconds: columns are TIMESTAMP(3) holding UTC, as Prisma writes them. */
export const tsParam = (n: number) => `(to_timestamp($${n}::float8 / 1000) AT TIME ZONE 'UTC')`;
export const epochMs = (expr: string) => `(extract(epoch from ${expr}) * 1000)::float8`;

/** Raw queries return count(*) as bigint on one adapter and number on another. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Results that count for statistics: "unsupported" means "cannot be measured here", neither ok nor failed. */
export const COUNTABLE = `"errorClass" IS DISTINCT FROM '${UNSUPPORTED}'`;

/** A latency percentile over the successful runs only (failures have no meaningful latency); `t` qualifies the columns. */
export const okLatencyPercentile = (q: number, t = "") => `percentile_cont(${q}) WITHIN GROUP (ORDER BY ${t}"latencyMs") FILTER (WHERE ${t}"ok")`;

/**
 * p50, p95 and p99 of the successful runs' latencies as one float8[] (null when none succeeded):
 * one sort per group instead of three separate percentile_cont aggregates, which is most of the
 * probes page's time on PGlite, where each ordered-set aggregate per group costs its own tuplesort.
 */
export const okLatencyPercentiles = (t = "") => `percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY ${t}"latencyMs") FILTER (WHERE ${t}"ok")`;

/** The row value of okLatencyPercentiles: an array from one adapter, a "{1,2,3}" string from another. */
export function percentilesOf(v: unknown): { p50: number | null; p95: number | null; p99: number | null } {
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.replace(/^\{|\}$/g, "").split(",") : null;
  if (!list || list.length !== 3) return { p50: null, p95: null, p99: null };
  const [p50, p95, p99] = list.map((x) => (x === null || x === "NULL" ? null : Number(x)));
  return { p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null };
}
