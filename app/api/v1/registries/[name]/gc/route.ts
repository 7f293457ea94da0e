import { delegated, withPermission } from "@/lib/auth/route";
import { registryProvider } from "@/lib/browse/lookup";
import { getPrisma } from "@/lib/runtime";
import { triggerRegistryGc } from "@/lib/retention/gc";

export const dynamic = "force-dynamic";

/** POST: start the registry's garbage collection (Harbor) → 202 {registry, id}; admin only, audited. */
export const POST = withPermission<{ name: string }>(delegated("registry.manage"), async ({ principal, params }) => {
  const prisma = await getPrisma();
  const run = await triggerRegistryGc(prisma, principal, params.name, async (name) => (await registryProvider(prisma, name))?.provider ?? null);
  return Response.json(run, { status: 202 });
});
