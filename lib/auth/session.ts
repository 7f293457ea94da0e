import { getServerSession } from "next-auth";
import { cache } from "react";
import { getPrisma } from "@/lib/runtime";
import { AuthError, enforce, type Principal } from "./enforce";
import { decide, type Action, type Resource } from "./policy";
import { getAuthOptions } from "./options";
import { requestIp } from "./request";
import { loadSessionGrants } from "./users";

export { AuthError, type Principal };

/**
 * The signed-in caller with the grants read from the database on this request (revocation is
 * immediate), or null. This is the one place a session cookie becomes a Principal: pages, server
 * actions and route handlers all come through here, so a session whose version the account has
 * moved past (signed out, disabled, signed out everywhere, password changed) is refused everywhere.
 * cache() makes the layout and the page of one render share one lookup.
 */
export const currentPrincipal = cache(async function currentPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(await getAuthOptions());
  const claims = session?.user as { id?: unknown; sessionVersion?: unknown } | undefined;
  // A JWT without a version (issued before versions existed) cannot be checked: refused.
  if (typeof claims?.id !== "string" || typeof claims.sessionVersion !== "number") return null;
  const loaded = await loadSessionGrants(await getPrisma(), claims.id, claims.sessionVersion);
  if (!loaded) return null;
  return { id: claims.id, ...loaded, ip: await requestIp() };
});

/** Every server action and route handler goes through here (see enforce.ts). */
export async function requirePermission(session: Principal | null, action: Action, resource: Resource = {}): Promise<Principal> {
  return enforce(await getPrisma(), session, action, resource);
}

export function can(session: Principal | null, action: Action, resource: Resource = {}): boolean {
  return !!session && decide(session.grants, action, resource).allowed;
}
