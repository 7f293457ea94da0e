import { PageSkeleton } from "@/components/ui/skeleton";

// Shown at once on navigation while the page's data loads (Next.js wraps the segment in <Suspense>).
export default function Loading() {
  return <PageSkeleton label="Loading settings…" layout="table" />;
}
