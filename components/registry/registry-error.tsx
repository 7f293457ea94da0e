import type { DescribedError } from "@/lib/registry";

/** Which registry failed and why; `compact` is the small variant for a dashboard column (no HTTP status, no hint). */
export function RegistryErrorPanel({ registry, error, compact }: { registry: string; error: DescribedError; compact?: boolean }) {
  if (compact) {
    return (
      <div role="alert" data-testid="registry-error" className="rounded bg-red-50 p-2 text-xs text-red-700">
        <div className="font-semibold">Registry “{registry}”: {error.kind.replace("_", " ")}</div>
        <div className="mt-1 break-words">{error.message}</div>
      </div>
    );
  }
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
