import { withPermission } from "@/lib/auth/route";
import { environmentProvider } from "@/lib/browse/lookup";
import { environmentColumn } from "@/lib/browse/overview";
import { loadedResponse } from "@/lib/error-contract";
import { NotFoundError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withPermission<{ env: string }>(
  ({ env }) => ["environment.view", { environment: env }],
  async ({ params, url }) => {
    const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 8) || 8, 1), 50);
    const found = await environmentProvider(await getPrisma(), params.env);
    if (!found) throw new NotFoundError(`no environment named ${params.env}`);
    return loadedResponse(found.env.registry.name, () => environmentColumn(found.provider, found.env.namespace, limit));
  },
);
