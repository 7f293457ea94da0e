import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata = { title: "Promotions" };

// Not built yet: this page says so plainly rather than showing an empty list that looks like data.
export default function PromotionsPage() {
  return (
    <>
      <PageHeader title="Promotions" description="Promotion requests, gates, approvals and digest-pinned copies." />
      <EmptyState title="Not available yet">This view is planned (issue #4) and not part of this release.</EmptyState>
    </>
  );
}
