import { registryStatus } from "@/lib/browse/status";
import { getPrisma } from "@/lib/runtime";
import { plural } from "@/lib/plural";

export function RegistryStatusLoading() {
  return <span className="text-xs text-slate-400">checking…</span>;
}

/** A registry's status, rendered on the server; the page streams each in its own Suspense boundary. */
export async function RegistryStatus({ name }: { name: string }) {
  const status = await registryStatus(await getPrisma(), name);
  if (!status.ok) {
    return (
      <span className="text-xs text-red-700" data-testid={`status-${name}`} title={status.error.hint}>
        ● {status.error.kind.replace("_", " ")}: {status.error.message}
      </span>
    );
  }
  return (
    <span className="text-xs text-emerald-700" data-testid={`status-${name}`}>
      ● up · {status.data.latencyMs} ms · {plural(status.data.repositories, "repository", "repositories")}
    </span>
  );
}
