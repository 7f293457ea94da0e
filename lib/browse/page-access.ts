import { notFound, redirect } from "next/navigation";
import { enforce } from "@/lib/auth/enforce";
import { currentPrincipal } from "@/lib/auth/session";
import { getPrisma } from "@/lib/runtime";
import { repositoryVisible, visibleNamespaces } from "./access";
import { registryProvider } from "./lookup";

/**
 * Loads a registry for a browsing page and checks the caller may see it (and the repository, if
 * any). A refusal goes through enforce() so it is audited like every other.
 */
export async function openRegistryForPage(name: string, repo?: string) {
  const me = await currentPrincipal();
  if (!me) redirect("/signin");
  const prisma = await getPrisma();
  const found = await registryProvider(prisma, name);
  if (!found) notFound();
  const namespaces = visibleNamespaces(me.grants, found.environments);
  if (namespaces === false || (repo !== undefined && !repositoryVisible(repo, namespaces))) {
    try {
      await enforce(prisma, me, "registry.view");
    } catch (err) {
      return { ok: false as const, message: (err as Error).message };
    }
  }
  return { ok: true as const, principal: me, namespaces: namespaces || null, ...found };
}
