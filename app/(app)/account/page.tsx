import Link from "next/link";
import { ChangePasswordForm } from "@/components/settings/user-forms";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { authorizePage } from "@/lib/auth/page";
import { currentTimeZone } from "@/lib/auth/time-zone";
import { selectableTimeZones } from "@/lib/time-format";
import { changePasswordAction, setTimeZoneAction } from "./actions";

export const metadata = { title: "Account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const access = await authorizePage("account.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  const time = await currentTimeZone();
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${access.principal.email}.`} />
      <section className="card mb-6 p-5">
        <h2 className="mb-1 font-semibold">Change password</h2>
        <p className="mb-4 text-sm text-slate-600">
          Changing your password signs you out in every browser, this one included; sign in again with the new password.
        </p>
        <ChangePasswordForm action={changePasswordAction} />
      </section>
      <section className="card mb-6 p-5">
        <h2 className="mb-1 font-semibold">Time zone</h2>
        <p className="mb-4 text-sm text-slate-600">Every time in Dockmaster is shown in this zone, with the zone named.</p>
        <TimeZoneForm action={setTimeZoneAction} stored={time.stored} zones={selectableTimeZones()} />
      </section>
      <section className="card p-5">
        <h2 className="mb-1 font-semibold">API tokens</h2>
        <p className="text-sm text-slate-600">
          Tokens for pipelines are not sessions: they stay valid after a password change. <Link href="/account/tokens" className="text-sky-700 hover:underline">
            Manage API tokens
          </Link>
        </p>
      </section>
    </>
  );
}
