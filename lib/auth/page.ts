import { redirect } from "next/navigation";
import type { Action, Resource } from "./policy";
import { AuthError, currentPrincipal, requirePermission, type Principal } from "./session";

export type PageAccess = { ok: true; principal: Principal } | { ok: false; message: string };

/**
 * Pages check the same permission their actions do, so a URL typed by hand shows a refusal,
 * not the page. (The layout's redirect alone would not: layouts do not re-run on every navigation.)
 */
export async function authorizePage(action: Action, resource: Resource = {}): Promise<PageAccess> {
  const principal = await currentPrincipal();
  if (!principal) redirect("/signin");
  try {
    return { ok: true, principal: await requirePermission(principal, action, resource) };
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, message: err.message };
    throw err;
  }
}
