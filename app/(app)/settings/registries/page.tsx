import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { CreateEnvironmentForm, CreateRegistryForm } from "@/components/settings/registry-forms";
import { Badge } from "@/components/ui/badge";
import { authorizePage } from "@/lib/auth/page";
import { listEnvironments, listRegistries } from "@/lib/inventory/registries";
import { getPrisma } from "@/lib/runtime";
import { createEnvironmentAction, createRegistryAction, deleteEnvironmentAction, deleteRegistryAction, testRegistryConnectionAction } from "./actions";

export const metadata = { title: "Registries and environments" };

export default async function RegistrySettingsPage() {
  const access = await authorizePage("registry.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  const prisma = await getPrisma();
  const [registries, environments] = await Promise.all([listRegistries(prisma), listEnvironments(prisma)]);
  return (
    <>
      <PageHeader title="Registries and environments" description="Entries from dockmaster.yaml are read-only here; change them in the file." />
      <div className="grid gap-6 xl:grid-cols-2">
        <section className="card p-5">
          <h2 className="mb-3 font-semibold">Add a registry</h2>
          <CreateRegistryForm action={createRegistryAction} testAction={testRegistryConnectionAction} />
          <ul className="mt-6 divide-y divide-slate-100">
            {registries.map((r) => (
              <li key={r.id} className="flex items-center justify-between py-2 text-sm">
                <span>
                  <span className="font-medium">{r.name}</span> <Badge tone="sky">{r.kind}</Badge> <span className="font-mono text-xs">{r.url}</span>
                </span>
                {r.source === "config" ? <Badge>dockmaster.yaml</Badge> : (
                  <HiddenFieldsButton
                    action={deleteRegistryAction}
                    fields={{ id: r.id }}
                    label="Remove"
                    ariaLabel={`Remove registry ${r.name}`}
                    confirm={{ title: `Remove registry ${r.name}?`, detail: "Dockmaster forgets it and its stored credential; the images in the registry are not touched.", confirmLabel: "Remove" }}
                  />
                )}
              </li>
            ))}
          </ul>
        </section>
        <section className="card p-5">
          <h2 className="mb-3 font-semibold">Add an environment</h2>
          <CreateEnvironmentForm action={createEnvironmentAction} registries={registries.map((r) => ({ id: r.id, name: r.name }))}
            nextOrder={Math.max(0, ...environments.map((e) => e.order)) + 1}
          />
          <ul className="mt-6 divide-y divide-slate-100">
            {environments.map((e) => (
              <li key={e.id} className="flex items-center justify-between py-2 text-sm">
                <span>
                  <span className="font-medium">{e.name}</span> (order {e.order}) on {e.registry.name}/{e.namespace || "(root)"}{" "}
                  {e.protected && <Badge tone="amber">protected</Badge>}
                </span>
                {e.source === "config" ? <Badge>dockmaster.yaml</Badge> : (
                  <HiddenFieldsButton
                    action={deleteEnvironmentAction}
                    fields={{ id: e.id }}
                    label="Remove"
                    ariaLabel={`Remove environment ${e.name}`}
                    confirm={{ title: `Remove environment ${e.name}?`, detail: "Role grants scoped to it are removed too; the images in the registry are not touched.", confirmLabel: "Remove" }}
                  />
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
