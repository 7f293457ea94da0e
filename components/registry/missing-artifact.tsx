"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { NotFoundPanel } from "@/components/shell/not-found-panel";
import { artifactAddress, missingReferenceMessage } from "@/lib/browse/missing";

/** The 404 of an artifact or scan page: which tag (or digest) of which repository does not exist. */
export function MissingArtifact() {
  const at = artifactAddress(usePathname(), useSearchParams().get("ref"));
  if (!at) return <NotFoundPanel title="Not found" message="There is no artifact at this address." />;
  return <NotFoundPanel title={`${at.repository}:${at.ref} not found`} message={`${missingReferenceMessage(at.repository, at.ref)} on registry “${at.registry}”.`} />;
}
