import Link from "next/link";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { authorizePage } from "@/lib/auth/page";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const access = await authorizePage("settings.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  return (
    <>
      <PageHeader title="Settings" description="Administration: accounts and roles, registries and environments." />
      <div className="grid gap-4 md:grid-cols-2">
        <Link href="/settings/users" className="card block p-5 hover:border-sky-400">
          <h2 className="font-semibold">Users and roles</h2>
          <p className="mt-1 text-sm text-slate-500">Create accounts, grant roles globally or per environment, disable accounts.</p>
        </Link>
        <Link href="/settings/registries" className="card block p-5 hover:border-sky-400">
          <h2 className="font-semibold">Registries and environments</h2>
          <p className="mt-1 text-sm text-slate-500">Add registries (secrets are encrypted at rest) and map environments onto them.</p>
        </Link>
        <Link href="/settings/approval-groups" className="card block p-5 hover:border-sky-400">
          <h2 className="font-semibold">Approval groups</h2>
          <p className="mt-1 text-sm text-slate-500">Who signs off for each group an environment requires (security, release…).</p>
        </Link>
      </div>
    </>
  );
}
