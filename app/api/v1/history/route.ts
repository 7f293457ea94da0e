import { z } from "zod";
import { queryInput, withPermission } from "@/lib/auth/route";
import { tagHistory } from "@/lib/inventory/index/reads";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const query = z.object({
  environment: z.string().min(1).max(64),
  repository: z.string().min(1).max(512),
  tag: z.string().min(1).max(128),
});

/** GET /api/v1/history?environment=dev&repository=team/api&tag=latest — the tag's events, newest first. */
export const GET = withPermission<Record<string, never>>(
  (_p, url) => ["environment.view", { environment: url.searchParams.get("environment") ?? "" }],
  async ({ url }) => {
    const q = queryInput(url, query);
    const events = await tagHistory(await getPrisma(), [q.environment], q);
    return Response.json({
      events: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, digest: e.digest, previousDigest: e.previousDigest, source: e.source, ...(e.promotion ? { promotion: e.promotion } : {}) })),
    });
  },
);
