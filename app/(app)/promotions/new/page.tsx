import { RequestPromotionForm } from "@/components/promotions/request-form";
import { PageHeader } from "@/components/shell/page-header";
import { Forbidden } from "@/components/shell/forbidden";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { listEnvironments } from "@/lib/inventory/registries";
import { getPrisma } from "@/lib/runtime";
import { requestPromotionAction } from "../actions";

export const metadata = { title: "Request a promotion" };
export const dynamic = "force-dynamic";

export default async function NewPromotionPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const envs = (await listEnvironments(await getPrisma())).filter((e) => can(me, "environment.view", { environment: e.name }));
  const sp = await searchParams;
  const targets = envs.filter((e) => can(me, "promotion.request", { environment: e.name }));
  return (
    <>
      <PageHeader title="Request a promotion" description="The artifact is pinned to its digest when you submit; gates are evaluated at once." />
      <div className="card max-w-3xl p-5">
        {targets.length === 0 ? (
          <p role="alert" className="text-sm text-slate-600">
            None of your roles lets you request promotions. Ask an administrator for the developer role.
          </p>
        ) : (
          <RequestPromotionForm
            action={requestPromotionAction}
            environments={envs.map((e) => ({ name: e.name, protected: e.protected }))}
            defaults={{ sourceEnv: sp.sourceEnv ?? envs[0]?.name, targetEnv: sp.targetEnv ?? targets.at(-1)?.name, repository: sp.repository, reference: sp.reference, tag: sp.tag }}
          />
        )}
      </div>
    </>
  );
}
