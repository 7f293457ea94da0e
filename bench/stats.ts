/** Small numeric and formatting helpers shared by the benchmarks. */

export interface BenchResult {
  title: string;
  /** Markdown table (header, separator, rows) */
  table: string;
  figures: Record<string, number>;
  /** how it was measured, caveats; rendered as a list under the table */
  notes?: string[];
}

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, "\\|");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** "PASS" when `value` is within `limit` in the given direction. */
export function verdict(value: number, limit: number, direction: "max" | "min" = "max"): "PASS" | "FAIL" {
  if (!Number.isFinite(value)) return "FAIL";
  return (direction === "max" ? value <= limit : value >= limit) ? "PASS" : "FAIL";
}

export function ms(value: number): string {
  return value >= 10_000 ? `${round(value / 1000, 1)} s` : `${round(value, 1)} ms`;
}

export function mb(bytes: number): string {
  return `${round(bytes / 1024 / 1024, 1)} MiB`;
}

export function log(...parts: unknown[]): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
}
