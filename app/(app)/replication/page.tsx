import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata = { title: "Replication" };

// Not built yet: this page says so plainly rather than showing an empty list that looks like data.
export default function ReplicationPage() {
  return (
    <>
      <PageHeader title="Replication" description="Harbor replication, ECR replication and drift between environments." />
      <EmptyState title="Not available yet">This view is planned (issue #6) and not part of this release.</EmptyState>
    </>
  );
}
