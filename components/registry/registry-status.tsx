"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchLoaded } from "@/components/fetch-json";

type Status = { latencyMs: number; authScheme: string; repositories: number };

export function RegistryStatus({ name }: { name: string }) {
  const q = useQuery({
    queryKey: ["registry-status", name],
    queryFn: () => fetchLoaded<Status>(`/api/v1/registries/${encodeURIComponent(name)}/status`),
    refetchInterval: 60_000,
  });
  if (q.isPending) return <span className="text-xs text-slate-400">checking…</span>;
  if (q.isError) return <span className="text-xs text-red-700">{q.error.message}</span>;
  if (!q.data.ok) {
    return (
      <span className="text-xs text-red-700" data-testid={`status-${name}`} title={q.data.error.hint}>
        ● {q.data.error.kind.replace("_", " ")}: {q.data.error.message}
      </span>
    );
  }
  return (
    <span className="text-xs text-emerald-700" data-testid={`status-${name}`}>
      ● up · {q.data.data.latencyMs} ms · {q.data.data.repositories} repositories
    </span>
  );
}
