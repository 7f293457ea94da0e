import Link from "next/link";
import { Suspense } from "react";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { NOT_PERMITTED } from "@/components/registry/panel-state";
import { RegistryErrorPanel } from "@/components/registry/registry-error";
import { DriftSummary, DriftSummaryLoading } from "@/components/replication/drift-summary";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { shortDigest } from "@/lib/format";
import { replicationOverview } from "@/lib/replication/overview";
import { getPrisma } from "@/lib/runtime";
import { triggerReplicationAction } from "./actions";
import { Time } from "@/components/ui/time";

export const dynamic = "force-dynamic";
export const metadata = { title: "Replication" };

const tone = (status: string) => {
  const s = status.toLowerCase();
  return s.startsWith("succe") || s === "complete" ? "green" : s.startsWith("fail") ? "red" : s.includes("progress") ? "amber" : "slate";
};

export default async function ReplicationPage() {
  const access = await authorizePage("replication.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const canTrigger = can(access.principal, "replication.trigger");
  const registries = await replicationOverview(await getPrisma());
  return (
    <>
      <PageHeader
        title="Replication"
        description="Replication policies and their runs on Harbor, ECR replication rules with per-image status, and drift between environments."
        actions={
          <Link href="/replication/drift" className="btn-primary">
            Drift matrix
          </Link>
        }
      />
      <Suspense fallback={<DriftSummaryLoading />}>
        <DriftSummary grants={access.principal.grants} />
      </Suspense>
      {registries.length === 0 && <EmptyState title="No replicating registries">None of the configured registries (Harbor, Amazon ECR) reports replication.</EmptyState>}
      <div className="space-y-6">
        {registries.map((r) => (
          <section key={r.registry} className="card p-4" aria-label={`Replication on ${r.registry}`} data-testid={`replication-${r.registry}`}>
            <h2 className="mb-3 font-semibold">
              {r.registry} <Badge>{r.kind}</Badge>
            </h2>
            {r.error &&
              (r.error.kind === "forbidden" ? (
                // e.g. Harbor: replication needs system access, which project members and project robots lack
                <p className="text-sm text-slate-500" data-testid="not-permitted">
                  Replication: {NOT_PERMITTED}
                </p>
              ) : (
                <RegistryErrorPanel registry={r.registry} error={r.error} />
              ))}
            {!r.error && r.policies.length === 0 && <p className="text-sm text-slate-500">No replication policies.</p>}
            {r.policies.length > 0 && (
              <table className="table" data-testid="replication-policies">
                <thead>
                  <tr>
                    <th>Policy</th>
                    <th>Source → destination</th>
                    <th>Trigger</th>
                    <th>Latest runs</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {r.policies.map((p) => (
                    <tr key={p.id} data-testid="replication-policy">
                      <td>
                        <div className="font-medium">{p.name}</div>
                        {!p.enabled && <Badge>disabled</Badge>}
                        {p.filters.length > 0 && <div className="text-xs text-slate-500">{p.filters.join("; ")}</div>}
                      </td>
                      <td className="text-xs">
                        {p.source} → {p.destination}
                        {p.destinationNamespace ? ` (${p.destinationNamespace})` : ""}
                      </td>
                      <td className="text-xs">{p.trigger}</td>
                      <td className="text-xs">
                        {p.executions.length === 0 && (r.kind === "ecr" ? "ECR replicates on push; see per-image status below" : "never run")}
                        <ul className="space-y-1">
                          {p.executions.map((e) => (
                            <li key={e.id} data-testid="replication-execution">
                              <Badge tone={tone(e.status)}>{e.status}</Badge> <Time at={e.startedAt} /> → <Time at={e.endedAt} /> · {e.trigger ?? "?"} · {e.succeeded}/{e.total} ok
                              {e.failed > 0 ? `, ${e.failed} failed` : ""}
                              {e.message ? ` — ${e.message}` : ""}
                              {r.failedTasks[e.id]?.map((t) => (
                                <div key={t.id} className="ml-4 text-red-700" data-testid="failed-task">
                                  failed: {t.source} → {t.destination} ({t.operation ?? "copy"})
                                </div>
                              ))}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        {canTrigger && p.triggerable && (
                          <HiddenFieldsButton action={triggerReplicationAction} fields={{ registry: r.registry, policyId: p.id }} label="Run now" ariaLabel={`Run replication policy ${p.name}`} inline={false} />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {r.images.length > 0 && (
              <>
                <h3 className="mt-4 mb-2 text-sm font-semibold">Per-image replication status</h3>
                <table className="table" data-testid="image-replication-status">
                  <thead>
                    <tr>
                      <th>Environment</th>
                      <th>Image</th>
                      <th>Destinations</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.images.map((i) => (
                      <tr key={`${i.repository}:${i.tag}`}>
                        <td>{i.environment}</td>
                        <td>
                          {i.repository}:{i.tag} <span className="font-mono text-xs text-slate-400">{shortDigest(i.digest)}</span>
                        </td>
                        <td className="space-x-2 text-xs">
                          {i.statuses.length === 0
                            ? "not replicated"
                            : i.statuses.map((s) => (
                                <span key={s.destination}>
                                  {s.destination} <Badge tone={tone(s.status)}>{s.status}</Badge>
                                  {s.failureCode ? ` ${s.failureCode}` : ""}
                                </span>
                              ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
