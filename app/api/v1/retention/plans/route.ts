import { z } from "zod";
import { delegated, jsonBody, withPermission } from "@/lib/auth/route";
import { configName } from "@/lib/config/names";
import { createRetentionPlan } from "@/lib/retention/service";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const body = z.strictObject({ environment: configName });

/**
 * POST {"environment":"dev"}: compute a retention plan (a dry run: nothing is deleted) from the
 * inventory index and store it (201 {id, hash, items, protected, …}). retention.plan in that
 * environment is checked by the service; a policy that would empty a repository is refused (409).
 */
export const POST = withPermission(delegated("retention.plan"), async ({ principal, request }) => {
  const { environment } = await jsonBody(request, body);
  const plan = await createRetentionPlan(await getPrisma(), principal, environment);
  return Response.json(plan, { status: 201, headers: { location: `/api/v1/retention/plans/${plan.id}` } });
});
