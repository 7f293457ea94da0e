import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RegistryStatus, RegistryStatusLoading } from "@/components/registry/registry-status";
import { SyncStatusLoading, SyncStatusPanel } from "@/components/inventory/sync-status";
import Link from "next/link";
import { Suspense } from "react";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { listRegistries } from "@/lib/inventory/registries";
import { getPrisma } from "@/lib/runtime";
import { syncEnvironmentAction } from "./actions";

export const metadata = { title: "Registries" };

export default async function RegistriesPage() {
  const access = await authorizePage("registry.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const registries = await listRegistries(await getPrisma());
  return (
    <>
      <PageHeader title="Registries" description="Every registry Dockmaster reads from, from dockmaster.yaml or added by an administrator." />
      {registries.length === 0 ? (
        <EmptyState title="No registries configured">Declare them in dockmaster.yaml or add one under Settings → Registries.</EmptyState>
      ) : (
        <div className="card">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>URL</th>
                <th>Credentials</th>
                <th>Environments</th>
                <th>Status</th>
                <th>Defined in</th>
              </tr>
            </thead>
            <tbody>
              {registries.map((r) => (
                <tr key={r.id}>
                  <td className="font-medium">
                    <Link className="text-sky-700 hover:underline" href={`/registries/${encodeURIComponent(r.name)}`}>
                      {r.name}
                    </Link>
                  </td>
                  <td>
                    <Badge tone="sky">{r.kind}</Badge>
                  </td>
                  <td className="font-mono text-xs">{r.url}</td>
                  <td className="text-xs">
                    {r.credential === "none" ? "anonymous" : r.credential === "env" ? `${r.username ?? ""} · from $${r.credentialEnv}` : `${r.username ?? ""} · encrypted`}
                    {r.insecureSkipVerify && <Badge tone="red">TLS not verified</Badge>}
                  </td>
                  <td>{r.environments.join(", ") || "—"}</td>
                  <td>
                    <Suspense fallback={<RegistryStatusLoading />}>
                      <RegistryStatus name={r.name} />
                    </Suspense>
                  </td>
                  <td>{r.source === "config" ? "dockmaster.yaml" : "UI"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 className="mb-2 mt-8 text-lg font-semibold">Inventory sync</h2>
      <Suspense fallback={<SyncStatusLoading />}>
        <SyncStatusPanel grants={access.principal.grants} syncAction={can(access.principal, "environment.manage") ? syncEnvironmentAction : undefined} />
      </Suspense>
    </>
  );
}
