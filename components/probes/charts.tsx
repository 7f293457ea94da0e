"use client";

import { useSyncExternalStore } from "react";
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TargetView } from "@/lib/probe/overview";
import type { RangeKey } from "@/lib/probe/ranges";
import { useTimeZone } from "@/components/ui/time";
import { formatDateTime } from "@/lib/time-format";

const COLORS = ["#0284c7", "#7c3aed", "#059669", "#d97706", "#db2777", "#475569"];

/**
 * How lines join measured points. "linear" draws straight segments, so a line never shows a value
 * that was not measured (a "monotone"/"basis"/"natural" spline bends past the points it joins).
 */
export const LATENCY_CURVE = "linear" as const;
/** Success rate is per bucket: a step holds each bucket's value over its width, no interpolation at all. */
export const SUCCESS_CURVE = "stepAfter" as const;

/** Title and legend as HTML beside the chart, readable before the chart draws and by screen readers. */
function ChartCaption({ title, series }: { title: string; series: { name: string; color: string }[] }) {
  return (
    <figcaption className="mb-1 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-xs">
      <span className="font-medium text-slate-700">{title}</span>
      <ul className="flex flex-wrap gap-x-3 gap-y-1 text-slate-600" aria-label={`${title}: legend`} data-testid="chart-legend">
        {series.map((x) => (
          <li key={x.name} className="flex items-center gap-1">
            <span aria-hidden="true" className="inline-block h-0.5 w-3" style={{ backgroundColor: x.color }} />
            {x.name}
          </li>
        ))}
      </ul>
    </figcaption>
  );
}

/** Axis ticks in the person's zone, like every table: "14:05" over a day, "11-30" over longer ranges. */
function timeLabel(range: RangeKey, zone: string) {
  return (t: number) => (range === "1h" || range === "24h" ? formatDateTime(t, zone, { style: "time", seconds: false, bare: true }) : formatDateTime(t, zone, { style: "date", bare: true }).slice(5));
}

/** The tooltip names the zone, so a point can be matched to a row of the failures table. */
const tooltipLabel = (zone: string) => (t: unknown) => formatDateTime(Number(t), zone);

/** Charts measure the browser's layout, so they draw after hydration; the box keeps its height meanwhile. */
const noSubscription = () => () => {};
function useMounted() {
  // false in the server render and during hydration, true in the browser afterwards
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/** p95 latency per target over the range, one line each. */
export function LatencyChart({ targets, range, height = 180 }: { targets: TargetView[]; range: RangeKey; height?: number }) {
  const mounted = useMounted();
  const zone = useTimeZone();
  const withData = targets.filter((t) => t.series.some((p) => p.p95 !== null));
  const rows = new Map<number, Record<string, number>>();
  for (const t of withData) for (const p of t.series) if (p.p95 !== null) rows.set(p.t, { ...(rows.get(p.t) ?? { t: p.t }), [t.name]: Math.round(p.p95 * 10) / 10 });
  const data = [...rows.values()].sort((a, b) => a.t! - b.t!);
  return (
    <figure className="w-full" data-testid="latency-chart">
      <ChartCaption title="p95 latency per probe (ms)" series={withData.map((t, i) => ({ name: t.name, color: COLORS[i % COLORS.length]! }))} />
      <div style={{ height }}>
      {mounted && data.length > 0 && (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={timeLabel(range, zone)} fontSize={11} />
            <YAxis unit=" ms" fontSize={11} width={64} />
            <Tooltip labelFormatter={tooltipLabel(zone)} formatter={(v) => [`${v} ms`, undefined]} />
            {withData.map((t, i) => (
              <Line key={t.id} type={LATENCY_CURVE} dataKey={t.name} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={1.5} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
      {mounted && data.length === 0 && <p className="pt-12 text-center text-xs text-slate-500">No successful runs in this range yet.</p>}
      </div>
    </figure>
  );
}

/** Success rate of all the registry's probes per time bucket. */
export function SuccessChart({ targets, range, height = 110 }: { targets: TargetView[]; range: RangeKey; height?: number }) {
  const mounted = useMounted();
  const zone = useTimeZone();
  const sums = new Map<number, { n: number; ok: number }>();
  for (const t of targets) {
    for (const p of t.series) {
      const s = sums.get(p.t) ?? { n: 0, ok: 0 };
      sums.set(p.t, { n: s.n + p.count, ok: s.ok + (p.successRate ?? 0) * p.count });
    }
  }
  const data = [...sums].filter(([, s]) => s.n > 0).map(([t, s]) => ({ t, success: Math.round((s.ok / s.n) * 1000) / 10 })).sort((a, b) => a.t - b.t);
  return (
    <figure className="mt-2 w-full" data-testid="success-chart">
      <ChartCaption title="Success rate, all probes of this registry (%)" series={[{ name: "success", color: "#059669" }]} />
      <div style={{ height }}>
      {mounted && data.length > 0 && (
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={timeLabel(range, zone)} fontSize={11} />
            <YAxis unit="%" domain={[0, 100]} fontSize={11} width={64} />
            <Tooltip labelFormatter={tooltipLabel(zone)} formatter={(v) => [`${v}%`, "success"]} />
            <Area type={SUCCESS_CURVE} dataKey="success" stroke="#059669" fill="#a7f3d0" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      )}
      </div>
    </figure>
  );
}
