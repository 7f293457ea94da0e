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
