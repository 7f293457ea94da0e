import { Suspense } from "react";
import { MissingArtifact } from "@/components/registry/missing-artifact";

/** notFound() of this page: the registry answered 404 for the tag or digest (see page.tsx). */
export default function ArtifactNotFound() {
  return (
    <Suspense fallback={null}>
      <MissingArtifact />
    </Suspense>
  );
}
