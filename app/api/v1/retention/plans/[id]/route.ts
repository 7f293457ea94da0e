import { delegated, withPermission } from "@/lib/auth/route";
import { readRetentionPlan } from "@/lib/retention/service";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** GET: one stored plan, to whoever may compute plans in its environment. */
export const GET = withPermission<{ id: string }>(delegated("retention.plan"), async ({ principal, params }) => {
  return Response.json(await readRetentionPlan(await getPrisma(), principal, params.id));
});
