import { withPermission } from "@/lib/auth/route";
import { registryProvider } from "@/lib/browse/lookup";
import { allRepositories } from "@/lib/browse/repositories";
import { load } from "@/lib/browse/result";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withPermission<{ name: string }>("registry.view", async ({ params }) => {
  const result = await load(params.name, async () => {
    const found = await registryProvider(await getPrisma(), params.name);
    if (!found) throw new Error(`no registry named ${params.name}`);
    const ping = await found.provider.ping();
    const repositories = (await allRepositories(found.provider)).length;
    return { latencyMs: Math.round(ping.latencyMs), authScheme: ping.authScheme, repositories };
  });
  return Response.json(result, { status: result.ok ? 200 : 502 });
});
