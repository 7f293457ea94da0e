import type { ProbeState } from "@/lib/probe/overview";

export function ms(v: number | null | undefined, approximate = false): string {
  if (v === null || v === undefined) return "—";
  const text = v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
  return approximate ? `≈${text}` : text;
}

export function percent(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  const p = v * 100;
  return `${p === 100 || p === 0 ? p.toFixed(0) : p.toFixed(p > 99 ? 2 : 1)}%`;
}

export const stateTone: Record<ProbeState, "green" | "amber" | "red" | "slate"> = { green: "green", amber: "amber", red: "red", unknown: "slate", paused: "slate" };
export const stateLabel: Record<ProbeState, string> = { green: "healthy", amber: "degraded", red: "failing", unknown: "no data", paused: "paused" };
