import Link from "next/link";
import { z } from "zod";
import { ActionForm } from "@/components/form/action-form";
import { ExecutePlanForm } from "@/components/retention/execute-plan-form";
import { ExecutionResult } from "@/components/retention/execution-result";
import { RetentionPlanView } from "@/components/retention/plan-view";
import { RetentionRules } from "@/components/retention/rules-table";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { retentionPolicyOf } from "@/lib/retention/plan-load";
import { findPlan, latestPlan } from "@/lib/retention/plan-store";
import { getPrisma } from "@/lib/runtime";
import type { RetentionItemOutcome } from "@/lib/retention/types";
import { computeRetentionPlanAction } from "./actions";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { executePlanAction, triggerGcAction } from "./execute-actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Retention" };

const query = z.object({ environment: z.string().max(63).optional().catch(undefined), plan: z.string().max(64).optional().catch(undefined) });

export default async function RetentionPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const signedIn = await authorizePage();
  if (!signedIn.ok) return <Forbidden message={signedIn.message} />;
  const prisma = await getPrisma();
  const { environment, plan: planId } = query.parse(await searchParams);
  const envs = await prisma.environment.findMany({ orderBy: { order: "asc" } });
  const withRetention = envs.filter((e) => e.retention != null);
  if (!withRetention.length) {
    return (
      <>
        <PageHeader title="Retention" />
        <EmptyState title="No environment has a retention policy">Add retention.rules to an environment in dockmaster.yaml to plan what may be deleted.</EmptyState>
      </>
    );
  }
  const env = withRetention.find((e) => e.name === environment) ?? withRetention[0]!;
  // the same permission that computing a plan needs: approvers of this environment and admins
  const access = await authorizePage("retention.plan", { environment: env.name });
  if (!access.ok) return <Forbidden message={access.message} />;
  const policy = retentionPolicyOf(env);
  const protectedEnvironments = (policy.protectedEnvironments ?? envs.filter((e) => e.protected).map((e) => e.name)).filter((n) => n !== env.name);
  const requested = planId ? await findPlan(prisma, planId).catch(() => null) : null;
  const plan = requested?.environment === env.name ? requested : await latestPlan(prisma, env.name);
  // execution: the confirm-with-hash form for whoever may execute here; what a run did, once one ran
  const mayExecute = can(access.principal, "retention.execute", { environment: env.name, retentionExecuteBy: policy.executeBy ?? "admin" });
  const outcomes = plan ? (((await prisma.retentionPlan.findUnique({ where: { id: plan.id }, select: { outcomes: true } }))?.outcomes ?? null) as RetentionItemOutcome[] | null) : null;
  // Harbor frees space through its garbage collection API (admin-only, audited); Distribution needs an
  // offline `registry garbage-collect`, which ExecutionResult explains
  const registry = await prisma.registry.findUnique({ where: { id: env.registryId }, select: { name: true, kind: true } });
  const gcForm =
    registry?.kind === "harbor" && can(access.principal, "registry.manage") ? (
      <HiddenFieldsButton
        action={triggerGcAction}
        fields={{ registry: registry.name }}
        label="Start garbage collection"
        confirm={{ title: `Start garbage collection on ${registry.name}?`, detail: "Harbor removes the blobs no manifest references any more; pushes may be slower while it runs.", confirmLabel: "Start" }}
      />
    ) : undefined;
  const executeSlot = plan ? (
    <>
      {outcomes && <ExecutionResult status={plan.status} items={plan.items} outcomes={outcomes} gcForm={gcForm} />}
      {mayExecute && plan.items.length > 0 && (plan.status === "planned" || plan.status === "partial") && (
        <ExecutePlanForm action={executePlanAction} planId={plan.id} hash={plan.hash} items={plan.items.length} environment={env.name} resume={plan.status === "partial"} />
      )}
    </>
  ) : null;

  return (
    <>
      <PageHeader
        title="Retention"
        description="Plans computed from the inventory index: what the environment's rules would delete, and what a protection saved. Computing a plan deletes nothing."
      />
      <nav className="mb-4 flex flex-wrap gap-2" aria-label="Environment">
        {withRetention.map((e) => (
          <Link key={e.name} href={`/retention?environment=${encodeURIComponent(e.name)}`} className={e.name === env.name ? "btn-primary" : "btn-secondary"} aria-current={e.name === env.name ? "page" : undefined}>
            {e.name}
          </Link>
        ))}
      </nav>
      <div className="space-y-6">
        <RetentionRules policy={policy} protectedEnvironments={protectedEnvironments} />
        <ActionForm action={computeRetentionPlanAction} submitLabel="Compute plan" label={`Compute a retention plan for ${env.name}`} className="flex items-center gap-3">
          <input type="hidden" name="environment" value={env.name} />
        </ActionForm>
        {plan ? (
          <RetentionPlanView plan={plan} executeSlot={executeSlot} />
        ) : (
          <EmptyState title="No plan yet">Compute a plan to see what the rules would delete in {env.name}.</EmptyState>
        )}
      </div>
    </>
  );
}
