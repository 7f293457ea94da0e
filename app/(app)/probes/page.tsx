import Link from "next/link";
import { ProbesDashboard } from "@/components/probes/probes-dashboard";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { parseRange, probesOverview } from "@/lib/probe/overview";
import { getPrisma } from "@/lib/runtime";
import { acknowledgeAlertAction } from "./actions";

export const metadata = { title: "Probes" };

export default async function ProbesPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const access = await authorizePage("probe.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const overview = await probesOverview(await getPrisma(), parseRange((await searchParams).range));
  const manage = can(access.principal, "probe.manage");
  const noTargets = overview.groups.every((g) => g.targets.length === 0);
  return (
    <>
      <PageHeader
        title="Probes"
        description="Reachability, credentials, pull latency, quotas, tag consistency and certificates, measured on a schedule."
        actions={
          manage ? (
            <Link href="/probes/manage" className="btn-secondary">
              Manage probes and alert rules
            </Link>
          ) : undefined
        }
      />
      {noTargets && (
        <div className="mb-6">
          <EmptyState title="No probes yet">
            Declare them under <code>probes:</code> in dockmaster.yaml{manage ? ", or add them under Manage probes (one click adds reachability and credentials probes for every registry)" : ", or ask an administrator to add some"}.
          </EmptyState>
        </div>
      )}
      <ProbesDashboard initial={overview} acknowledge={can(access.principal, "probe.acknowledge") ? acknowledgeAlertAction : undefined} />
    </>
  );
}
