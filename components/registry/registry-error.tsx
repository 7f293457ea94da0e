import type { DescribedError } from "@/lib/registry";

export function RegistryErrorPanel({ registry, error }: { registry: string; error: DescribedError }) {
  return (
    <div role="alert" data-testid="registry-error" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm">
      <div className="font-semibold text-red-800">
        Registry “{registry}”: {error.kind.replace("_", " ")}
        {error.status ? ` (HTTP ${error.status})` : ""}
      </div>
      <p className="mt-1 break-words text-red-700">{error.message}</p>
      {error.hint && <p className="mt-1 text-red-600/80">{error.hint}</p>}
    </div>
  );
}
