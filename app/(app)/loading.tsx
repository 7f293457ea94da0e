import { PageSkeleton } from "@/components/ui/skeleton";

// Shown at once on navigation while the page's data loads (Next.js wraps the segment in <Suspense>);
// the other segments have their own loading.tsx shaped like their page.
export default function Loading() {
  return <PageSkeleton label="Loading environments…" layout="cards" />;
}
