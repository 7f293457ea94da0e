import { notFound } from "next/navigation";
import { authorizePage } from "@/lib/auth/page";
import { getPrisma } from "@/lib/runtime";
import { repositoryVisible, visibleNamespaces } from "./access";
import { registryProvider } from "./lookup";

/**
 * The page guard for browsing pages: loads the registry and checks the caller may see it (and the
 * repository, if any). A caller whose environment roles do not cover it needs registry.view, asked
 * of authorizePage so the refusal is audited like every other.
 */
export async function openRegistryForPage(name: string, repo?: string) {
  const signedIn = await authorizePage();
  if (!signedIn.ok) return signedIn;
  const me = signedIn.principal;
  const found = await registryProvider(await getPrisma(), name);
  if (!found) notFound();
  const namespaces = visibleNamespaces(me.grants, found.environments);
  if (namespaces === false || (repo !== undefined && !repositoryVisible(repo, namespaces))) {
    const access = await authorizePage("registry.view");
    if (!access.ok) return access;
  }
  return { ok: true as const, principal: me, namespaces: namespaces || null, ...found };
}
