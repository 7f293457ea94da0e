import Link from "next/link";
import { Suspense } from "react";
import { ProbesDashboard } from "@/components/probes/probes-dashboard";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { SectionSkeleton } from "@/components/ui/skeleton";
import { authorizePage } from "@/lib/auth/page";
import { can, type Principal } from "@/lib/auth/session";
import { parseRange, probesOverview, type RangeKey } from "@/lib/probe/overview";
import { getPrisma } from "@/lib/runtime";
import { acknowledgeAlertAction, silenceAlertAction } from "./actions";

export const metadata = { title: "Probes" };

export default async function ProbesPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const access = await authorizePage("probe.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const manage = can(access.principal, "probe.manage");
  const range = parseRange((await searchParams).range);
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
      {/* the header is up at once; the measurements stream in when read (keyed by range so a new range shows the skeleton again) */}
      <Suspense key={range} fallback={<SectionSkeleton label="Loading probes…" layout="cards" />}>
        <ProbesOverviewSection principal={access.principal} range={range} manage={manage} />
      </Suspense>
    </>
  );
}

async function ProbesOverviewSection({ principal, range, manage }: { principal: Principal; range: RangeKey; manage: boolean }) {
  const overview = await probesOverview(await getPrisma(), range);
  const noTargets = overview.groups.every((g) => g.targets.length === 0);
  return (
    <>
      {noTargets && (
        <div className="mb-6">
          <EmptyState title="No probes yet">
            Declare them under <code>probes:</code> in dockmaster.yaml
            {manage ? (
              <>
                , or add them under{" "}
                <Link href="/probes/manage" className="text-sky-700 underline">
                  Manage probes
                </Link>{" "}
                (one click adds reachability and credentials probes for every registry)
              </>
            ) : (
              ", or ask an administrator to add some"
            )}
            .
          </EmptyState>
        </div>
      )}
      <ProbesDashboard
        initial={overview}
        acknowledge={can(principal, "probe.acknowledge") ? acknowledgeAlertAction : undefined}
        silence={can(principal, "probe.acknowledge") ? silenceAlertAction : undefined}
      />
    </>
  );
}
