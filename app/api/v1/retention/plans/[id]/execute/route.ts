import { z } from "zod";
import { delegated, jsonBody, withPermission } from "@/lib/auth/route";
import { startDeps } from "@/lib/retention/default-deps";
import { startPlanExecution } from "@/lib/retention/execute";

export const dynamic = "force-dynamic";

const body = z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/, "must be the plan's full sha256 hash (64 hex digits)") });

/**
 * POST /api/v1/retention/plans/{id}/execute {"hash"} → 202: the plan is executing (a job). 403 for
 * callers who may not execute plans of its environment, 404 for an unknown plan, 409 when the hash is
 * not the plan's or the plan is not planned/partial. Permission is checked by the service against the
 * plan's own environment.
 */
export const POST = withPermission<{ id: string }>(delegated("retention.execute"), async ({ principal, params, request }) => {
  const input = await jsonBody(request, body);
  const started = await startPlanExecution(await startDeps(), principal, params.id, input.hash);
  return Response.json({ ...started, links: { plan: `/api/v1/retention/plans/${started.id}` } }, { status: 202 });
});
