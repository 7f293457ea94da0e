import { NotFoundPanel } from "@/components/shell/not-found-panel";
import { missingReference } from "@/lib/browse/missing";

/**
 * An artifact or scan page whose tag or digest the registry answered 404 for, rendered by the page
 * itself (it knows the repository and reference; a not-found.tsx gets no params).
 */
export function MissingReference({ registry, repository, reference }: { registry: string; repository: string; reference: string }) {
  const missing = missingReference(repository, reference);
  return <NotFoundPanel title={missing.title} message={`${missing.message} on registry “${registry}”.`} />;
}
