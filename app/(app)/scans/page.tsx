import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata = { title: "Scans" };

// Not built yet: this page says so plainly rather than showing an empty list that looks like data.
export default function ScansPage() {
  return (
    <>
      <PageHeader title="Scans" description="Normalized vulnerability findings across registries." />
      <EmptyState title="Not available yet">This view is planned (issue #6) and not part of this release.</EmptyState>
    </>
  );
}
