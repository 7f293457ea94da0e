import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { GroupMemberForm } from "@/components/settings/group-member-form";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { authorizePage } from "@/lib/auth/page";
import { listApprovalGroups } from "@/lib/promotion/group-members";
import { getPrisma } from "@/lib/runtime";
import { addGroupMemberAction, removeGroupMemberAction } from "./actions";
import { plural } from "@/lib/plural";

export const metadata = { title: "Approval groups" };
export const dynamic = "force-dynamic";

export default async function ApprovalGroupsPage() {
  const access = await authorizePage("settings.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  const groups = await listApprovalGroups(await getPrisma());
  return (
    <>
      <PageHeader title="Approval groups" description="Groups are declared per environment under gates.approvals.groups in dockmaster.yaml; members listed there are read-only, more can be added here." />
      {groups.length === 0 && <p className="text-sm text-slate-500">No environment declares approval groups.</p>}
      <div className="grid gap-4 md:grid-cols-2">
        {groups.map((g) => (
          <section key={`${g.environment}/${g.name}`} className="card space-y-3 p-5" data-testid={`group-${g.environment}-${g.name}`}>
            <h2 className="font-semibold">
              {g.name} <span className="text-sm font-normal text-slate-500">in {g.environment}, {plural(g.count, "approval")} needed</span>
            </h2>
            <ul className="space-y-1 text-sm">
              {g.configMembers.map((m) => (
                <li key={m}>
                  {m} <Badge>dockmaster.yaml</Badge>
                </li>
              ))}
              {g.uiMembers.map((m) => (
                <li key={m.id} className="flex items-center gap-2">
                  {m.userEmail} <span className="text-xs text-slate-500">added by {m.addedByEmail}</span>
                  <HiddenFieldsButton action={removeGroupMemberAction} fields={{ memberId: m.id }} label="Remove" ariaLabel={`Remove ${m.userEmail} from ${g.name}`} />
                </li>
              ))}
              {g.configMembers.length + g.uiMembers.length === 0 && <li className="text-xs text-slate-500">no members yet: nobody can give this group&apos;s approval</li>}
            </ul>
            <GroupMemberForm action={addGroupMemberAction} environment={g.environment} group={g.name} />
          </section>
        ))}
      </div>
    </>
  );
}
