import { redirectToSignIn } from "./requested-path";
import type { Action, Resource } from "./policy";
import { AuthError, currentPrincipal, requirePermission, type Principal } from "./session";

export type PageAccess = { ok: true; principal: Principal } | { ok: false; message: string };

/**
 * The one guard every page of the signed-in app passes (registry pages through openRegistryForPage).
 * Without a caller it redirects to sign-in; given an action, it checks the same permission the page's
 * actions do, so a URL typed by hand shows a refusal, not the page, and the refusal is audited like
 * every other. (The layout's redirect alone would not do: layouts do not re-run on every navigation.)
 * Without an action it only requires a signed-in caller: pages whose content is filtered per item.
 */
export async function authorizePage(action?: Action, resource: Resource = {}): Promise<PageAccess> {
  const principal = await currentPrincipal();
  if (!principal) return redirectToSignIn();
  if (!action) return { ok: true, principal };
  try {
    return { ok: true, principal: await requirePermission(principal, action, resource) };
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, message: err.message };
    throw err;
  }
}
