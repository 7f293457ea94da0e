import { withPermission } from "@/lib/auth/route";
import { NotFoundError } from "@/lib/errors";
import { environmentRepositories } from "@/lib/inventory/index/reads";
import { syncStatusRows } from "@/lib/inventory/index/status";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/environments/{env}/repositories?limit=8 — the environment's repositories from the
 * inventory index: `{total, asOf, stale, repositories: [{name, tagCount, lastChange}]}`; asOf is
 * null while the index has never read the environment.
 */
export const GET = withPermission<{ env: string }>(
  ({ env }) => ["environment.view", { environment: env }],
  async ({ params, url }) => {
    const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 8) || 8, 1), 50);
    const prisma = await getPrisma();
    // the permission check above is for this one environment: that is all this reads
    const [status] = await syncStatusRows(prisma, [params.env]);
    if (!status) throw new NotFoundError(`no environment named ${params.env}`);
    const r = await environmentRepositories(prisma, [params.env], { environment: params.env, limit });
    return Response.json({ total: r.total, asOf: status.asOf, stale: status.stale, repositories: r.repositories });
  },
);
