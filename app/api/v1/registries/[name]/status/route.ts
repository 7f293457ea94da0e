import { withPermission } from "@/lib/auth/route";
import { registryProvider } from "@/lib/browse/lookup";
import { allRepositories } from "@/lib/browse/repositories";
import { loadedResponse } from "@/lib/error-contract";
import { NotFoundError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** GET: can Dockmaster reach this registry, how fast, with which auth, how many repositories (Loaded<T>). */
export const GET = withPermission<{ name: string }>("registry.view", async ({ params }) => {
  const found = await registryProvider(await getPrisma(), params.name);
  if (!found) throw new NotFoundError(`no registry named ${params.name}`);
  return loadedResponse(params.name, async () => {
    const ping = await found.provider.ping();
    const repositories = (await allRepositories(found.provider)).length;
    return { latencyMs: Math.round(ping.latencyMs), authScheme: ping.authScheme, repositories };
  });
});
