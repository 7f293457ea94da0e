import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { CreateUserForm, GrantForm } from "@/components/settings/user-forms";
import { Badge } from "@/components/ui/badge";
import { authorizePage } from "@/lib/auth/page";
import { Time } from "@/components/ui/time";
import { listUsers } from "@/lib/auth/users";
import { listEnvironments } from "@/lib/inventory/registries";
import { getPrisma } from "@/lib/runtime";
import { createUserAction, endSessionsAction, grantRoleAction, revokeGrantAction, setDisabledAction } from "./actions";

export const metadata = { title: "Users and roles" };

export default async function UsersPage() {
  const access = await authorizePage("user.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  const prisma = await getPrisma();
  const [users, envs] = await Promise.all([listUsers(prisma), listEnvironments(prisma)]);
  const environments = envs.map((e) => ({ id: e.id, name: e.name }));
  return (
    <>
      <PageHeader title="Users and roles" description="viewer: read · developer: request promotions · approver: approve into environments · admin: everything." />
      <section className="card mb-6 p-5">
        <h2 className="mb-3 font-semibold">New user</h2>
        <CreateUserForm action={createUserAction} environments={environments} />
      </section>
      <div className="card overflow-x-auto">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Roles</th>
              <th>Grant another role</th>
              <th>Last sign-in</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-${u.email}`}>
                <td>
                  <div className="font-medium">{u.email}</div>
                  <div className="text-xs text-slate-500">{u.name}</div>
                  {u.authSource !== "local" && <div className="text-xs text-slate-500">signs in with {u.authSource.toUpperCase()}</div>}
                </td>
                <td className="space-y-1">
                  {u.grants.length === 0 && u.groupGrants.length === 0 && <span className="text-xs text-slate-500">none</span>}
                  {u.grants.map((g) => (
                    <div key={g.id} className="flex items-center gap-2">
                      <Badge tone={g.role === "admin" ? "red" : g.role === "approver" ? "amber" : "sky"}>
                        {g.role}
                        {g.environment ? `@${g.environment.name}` : ""}
                      </Badge>
                      <HiddenFieldsButton action={revokeGrantAction} fields={{ grantId: g.id }} label="Revoke" />
                    </div>
                  ))}
                  {/* Read-only: these follow the directory's groups and dockmaster.yaml access:, not this page. */}
                  {u.groupGrants.map((g) => (
                    <div key={`${g.group}:${g.role}:${g.environment ?? ""}`} className="flex items-center gap-2" data-testid="group-grant">
                      <Badge tone={g.role === "admin" ? "red" : g.role === "approver" ? "amber" : "sky"}>
                        {g.role}
                        {g.environment ? `@${g.environment}` : ""}
                      </Badge>
                      <span className="text-xs text-slate-500">from group {g.group}</span>
                    </div>
                  ))}
                </td>
                <td>
                  <GrantForm action={grantRoleAction} userId={u.id} environments={environments} />
                </td>
                <td className="text-xs whitespace-nowrap" data-testid="last-sign-in">
                  <Time at={u.lastSignInAt} fallback="never" />
                </td>
                <td>
                  {u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
                  <div className="mt-2">
                    <HiddenFieldsButton
                      action={setDisabledAction}
                      fields={{ userId: u.id, disabled: String(!u.disabled) }}
                      label={u.disabled ? "Enable" : "Disable"}
                      ariaLabel={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}
                      confirm={u.disabled ? undefined : { title: `Disable ${u.email}?`, detail: "Their sessions and API tokens stop working now; they cannot sign in until enabled again.", confirmLabel: "Disable" }}
                    />
                  </div>
                  <div className="mt-2">
                    <HiddenFieldsButton action={endSessionsAction} fields={{ userId: u.id }} label="Sign out everywhere" ariaLabel={`Sign out ${u.email} everywhere`} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
