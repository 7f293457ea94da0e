import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata = { title: "Probes" };

// Not built yet: this page says so plainly rather than showing an empty list that looks like data.
export default function ProbesPage() {
  return (
    <>
      <PageHeader title="Probes" description="Registry health probes with history, charts and alerts." />
      <EmptyState title="Not available yet">This view is planned (issue #5) and not part of this release.</EmptyState>
    </>
  );
}
