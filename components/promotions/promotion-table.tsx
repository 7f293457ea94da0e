import Link from "next/link";
import type { Promotion } from "@/lib/db/generated/client";
import { shortDigest } from "@/lib/format";
import { PromotionStatus } from "./status-badge";
import { Time } from "@/components/ui/time";

export function PromotionTable({ rows, empty, testId }: { rows: Promotion[]; empty: string; testId: string }) {
  if (rows.length === 0) return <p className="px-4 py-6 text-center text-sm text-slate-500">{empty}</p>;
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>#</th>
          <th>Artifact</th>
          <th>Route</th>
          <th>Requested by</th>
          <th>Status</th>
          <th>Age</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.id}>
            <td>
              <Link className="font-medium text-sky-700 hover:underline" href={`/promotions/${p.number}`}>
                #{p.number}
              </Link>
            </td>
            <td className="text-xs">
              {p.targetRepository}:{p.targetTag}
              <div className="font-mono text-slate-500">{shortDigest(p.digest)}</div>
            </td>
            <td className="text-xs">
              {p.sourceEnv} → {p.targetEnv}
            </td>
            <td className="text-xs">{p.requestedByEmail}</td>
            <td>
              <PromotionStatus status={p.status} />
            </td>
            <td className="text-xs">
              <Time at={p.createdAt} relative />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
