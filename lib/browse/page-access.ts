import { notFound } from "next/navigation";
import { authorizePage } from "@/lib/auth/page";
import { can } from "@/lib/auth/session";
import { getPrisma } from "@/lib/runtime";
import { repositoryVisible, visibleNamespaces } from "./access";
import { registryProvider } from "./lookup";
import { artifactReadResource } from "./source-access";

/**
 * The page guard for browsing pages: loads the registry and checks the caller may see it (and the
 * repository, if any). A caller whose environment roles do not cover it needs registry.view, asked
 * of authorizePage so the refusal is audited like every other. Given the artifact's reference (a
 * digest), that check also counts the open promotions of exactly that artifact: an approver reads
 * what they are asked to approve (`viaPromotion`: only that, read-only).
 */
export async function openRegistryForPage(name: string, repo?: string, ref?: string) {
  const signedIn = await authorizePage();
  if (!signedIn.ok) return signedIn;
  const me = signedIn.principal;
  const prisma = await getPrisma();
  const found = await registryProvider(prisma, name);
  if (!found) notFound();
  const namespaces = visibleNamespaces(me.grants, found.environments);
  let viaPromotion = false;
  if (namespaces === false || (repo !== undefined && !repositoryVisible(repo, namespaces))) {
    const resource = repo !== undefined && ref !== undefined ? await artifactReadResource(prisma, { repository: repo, ref, environments: found.environments }) : {};
    const access = await authorizePage("registry.view", resource);
    if (!access.ok) return access;
    viaPromotion = resource.artifact !== undefined;
  }
  return { ok: true as const, principal: me, namespaces: namespaces || null, viaPromotion, ...found };
}

/**
 * The page guard of an artifact's scan: scan.view, or a decision owed on a promotion of exactly this
 * digest (`viaPromotion`: read-only). The promotions are only looked up for a caller without the role.
 */
export async function authorizeScanPage(registry: string, repo: string, ref: string) {
  const signedIn = await authorizePage();
  if (!signedIn.ok || can(signedIn.principal, "scan.view")) return { ...signedIn, viaPromotion: false };
  const prisma = await getPrisma();
  const environments = await prisma.environment.findMany({ where: { registry: { name: registry } }, select: { name: true, namespace: true } });
  const resource = await artifactReadResource(prisma, { repository: repo, ref, environments });
  return { ...(await authorizePage("scan.view", resource)), viaPromotion: true };
}
