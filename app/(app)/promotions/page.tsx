import Link from "next/link";
import { PromotionTable } from "@/components/promotions/promotion-table";
import { PageHeader } from "@/components/shell/page-header";
import { Forbidden } from "@/components/shell/forbidden";
import { ExportLinks } from "@/components/ui/export-links";
import { authorizePage } from "@/lib/auth/page";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { listPromotions } from "@/lib/promotion/service";

export const metadata = { title: "Promotions" };
export const dynamic = "force-dynamic";

export default async function PromotionsPage() {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const lists = await listPromotions(await promotionDeps(), me);
  return (
    <>
      <PageHeader
        title="Promotions"
        description="Request → gates → approval by someone else → digest-pinned copy → verification."
        actions={
          <Link href="/promotions/new" className="btn-primary">
            Request a promotion
          </Link>
        }
      />
      <div className="space-y-6">
        <section className="card">
          <h2 className="border-b border-slate-100 px-4 py-3 font-semibold">Awaiting my approval</h2>
          <PromotionTable rows={lists.awaitingMe} empty="Nothing is waiting for you." testId="queue-awaiting" />
        </section>
        <section className="card">
          <h2 className="border-b border-slate-100 px-4 py-3 font-semibold">Requested by me</h2>
          <PromotionTable rows={lists.mine} empty="You have not requested any promotion." testId="queue-mine" />
        </section>
        <section className="card">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
            <h2 className="font-semibold">Recent</h2>
            <ExportLinks path="/api/v1/exports/promotions" what="every promotion you may view" />
          </div>
          <PromotionTable rows={lists.recent} empty="No promotions yet." testId="queue-recent" />
        </section>
      </div>
    </>
  );
}
