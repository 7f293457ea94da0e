"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { fetchJson } from "@/components/fetch-json";
import type { FormAction } from "@/components/form/action-form";
import type { ProbesOverview } from "@/lib/probe/overview";
import { RANGES, rangeKeys } from "@/lib/probe/ranges";
import { AlertsPanel } from "./alerts-panel";
import { FailuresTable } from "./failures-table";
import { RegistryCard } from "./registry-card";

/** The probes page body: server-rendered first, then refreshed every 15 s from /api/v1/probes. */
export function ProbesDashboard({ initial, acknowledge, silence }: { initial: ProbesOverview; acknowledge?: FormAction; silence?: FormAction }) {
  const range = initial.range;
  const client = useQueryClient();
  // A server action (acknowledge) re-renders the page with fresher data than the cache holds: take it.
  useEffect(() => {
    const cached = client.getQueryData<ProbesOverview>(["probes", range]);
    if (!cached || Date.parse(initial.generatedAt) > Date.parse(cached.generatedAt)) client.setQueryData(["probes", range], initial);
  }, [client, initial, range]);
  const q = useQuery({
    queryKey: ["probes", range],
    queryFn: () => fetchJson<ProbesOverview>(`/api/v1/probes?range=${range}`),
    initialData: initial,
    staleTime: 10_000,
    refetchInterval: 15_000,
  });
  const data = q.data;
  const now = Date.parse(data.generatedAt);
  return (
    <div className="space-y-6">
      <nav className="flex items-center gap-1 text-sm" aria-label="Time range">
        {rangeKeys.map((k) => (
          <Link key={k} href={`/probes?range=${k}`} aria-current={k === range ? "page" : undefined} className={k === range ? "rounded-md bg-sky-600 px-3 py-1.5 font-medium text-white" : "btn-secondary"}>
            {k}
          </Link>
        ))}
        <span className="ml-3 text-xs text-slate-500">
          {RANGES[range].label}
          {RANGES[range].source === "rollup" && " · from rollups; percentiles over the whole range estimated (≈)"}
          {q.isError && <span className="text-red-700"> · refresh failed: {q.error.message}</span>}
        </span>
      </nav>
      <AlertsPanel alerts={data.alerts} now={now} acknowledge={acknowledge} silence={silence} />
      <div className="grid gap-4 xl:grid-cols-2">
        {data.groups.map((g) => (
          <RegistryCard key={g.registry ?? "-"} group={g} range={range} now={now} />
        ))}
      </div>
      <FailuresTable failures={data.failures} now={now} />
    </div>
  );
}
