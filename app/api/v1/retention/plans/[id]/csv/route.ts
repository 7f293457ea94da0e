import { delegated, withPermission } from "@/lib/auth/route";
import { planCsv, planCsvFilename } from "@/lib/retention/plan-csv";
import { readRetentionPlan } from "@/lib/retention/service";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** GET: the stored plan as a CSV download (the Retention page's "Download CSV"). */
export const GET = withPermission<{ id: string }>(delegated("retention.plan"), async ({ principal, params }) => {
  const plan = await readRetentionPlan(await getPrisma(), principal, params.id);
  return new Response(planCsv(plan), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${planCsvFilename(plan)}"` },
  });
});
