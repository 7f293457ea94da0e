import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Suspense } from "react";
import { EnvironmentRepos, EnvironmentReposLoading } from "@/components/registry/environment-column";
import { ActiveAlerts } from "@/components/probes/active-alerts";
import { ExpiringExceptionsBanner } from "@/components/exceptions/expiring-banner";
import { Forbidden } from "@/components/shell/forbidden";
import { AwaitingDecisionNotice } from "@/components/promotions/awaiting-badge";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { listEnvironments } from "@/lib/inventory/registries";
import { getPrisma } from "@/lib/runtime";
import { syncEnvironmentAction } from "./registries/actions";

export const metadata = { title: "Environments" };

export default async function EnvironmentsPage() {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const canSync = can(me, "environment.manage");
  const envs = (await listEnvironments(await getPrisma())).filter((e) => can(me, "environment.view", { environment: e.name }));
  return (
    <>
      <PageHeader title="Environments" description="Each environment is a namespace on a registry, in pipeline order." />
      <Suspense fallback={null}>
        <AwaitingDecisionNotice me={me} />
      </Suspense>
      {can(me, "scan.view") && (
        <Suspense fallback={null}>
          <ExpiringExceptionsBanner />
        </Suspense>
      )}
      {can(me, "probe.view") && (
        <Suspense fallback={null}>
          <ActiveAlerts />
        </Suspense>
      )}
      {envs.length === 0 ? (
        <EmptyState title="No environments you can see">
          Declare environments in dockmaster.yaml, or ask an administrator to add one under{" "}
          <Link className="text-sky-700 underline" href="/settings/registries">
            Settings
          </Link>{" "}
          or to grant you a role.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-4 md:[grid-template-columns:repeat(var(--env-columns),minmax(0,1fr))]" style={{ "--env-columns": Math.min(envs.length, 4) } as React.CSSProperties}>
          {envs.map((e) => (
            <section key={e.id} className="card p-4" aria-label={`Environment ${e.name}`}>
              <div className="flex items-center justify-between">
                <h2 className="text-lg font-semibold">{e.name}</h2>
                {e.protected ? <Badge tone="amber">protected</Badge> : <Badge>open</Badge>}
              </div>
              <dl className="mt-3 space-y-1 text-sm">
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Registry</dt>
                  <dd>
                    {e.registry.name} <Badge tone="sky">{e.registry.kind}</Badge>
                  </dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Namespace</dt>
                  <dd className="font-mono">{e.namespace || "(root)"}</dd>
                </div>
              </dl>
              <div className="mt-4 border-t border-slate-100 pt-3">
                <Suspense fallback={<EnvironmentReposLoading />}>
                  <EnvironmentRepos env={e.name} registry={e.registry.name} grants={me.grants} syncAction={canSync ? syncEnvironmentAction : undefined} />
                </Suspense>
              </div>
            </section>
          ))}
        </div>
      )}
    </>
  );
}
