"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { fetchJson } from "@/components/fetch-json";
import { formatBytes } from "@/lib/format";

interface Live {
  status: string;
  progress: { blobsDone: number; blobsTotal: number; skipped: number; mounted: number; copied: number; bytesSent: number; bytesToSend: number; manifestsPushed: number; manifestsTotal: number } | null;
  plan: { skip: number; mount: number; copy: number; bytesToSend: number } | null;
}

const running = (s: string) => s === "approved" || s === "copying";

/** Polls the promotion while it runs and refreshes the page when it settles. */
export function PromotionProgress({ id, initial }: { id: string; initial: Live }) {
  const router = useRouter();
  const q = useQuery({
    // Keyed by the status the server rendered: after a refresh shows a new status, polling starts afresh from it.
    queryKey: ["promotion", id, initial.status],
    queryFn: () => fetchJson<Live>(`/api/v1/promotions/${id}`),
    initialData: initial,
    refetchInterval: (query) => (running(query.state.data?.status ?? "") ? 700 : false),
  });
  useEffect(() => {
    if (q.data.status !== initial.status) router.refresh();
  }, [q.data.status, initial.status, router]);

  const p = q.data.progress;
  const plan = q.data.plan;
  if (!p && !plan) return null;
  const pct = p ? (p.bytesToSend > 0 ? Math.round((100 * p.bytesSent) / p.bytesToSend) : p.blobsTotal ? Math.round((100 * p.blobsDone) / p.blobsTotal) : 100) : 0;
  return (
    <div data-testid="copy-progress">
      <div className="h-2 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Copy progress">
        <div className="h-full bg-sky-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-2 text-xs text-slate-600">
        {p
          ? `${formatBytes(p.bytesSent)} of ${formatBytes(p.bytesToSend)} sent · blobs ${p.blobsDone}/${p.blobsTotal}: ${p.skipped} skipped, ${p.mounted} mounted, ${p.copied} copied · manifests ${p.manifestsPushed}/${p.manifestsTotal}`
          : plan
            ? `plan: ${plan.skip} skipped, ${plan.mount} mounted, ${plan.copy} to copy (${formatBytes(plan.bytesToSend)})`
            : ""}
      </p>
      {q.isError && <p className="text-xs text-red-700">Live status unavailable: {q.error.message}</p>}
    </div>
  );
}
