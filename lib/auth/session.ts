import { getServerSession } from "next-auth";
import { cache } from "react";
import { getPrisma } from "@/lib/runtime";
import { AuthError, enforce, type Principal } from "./enforce";
import { decide, type Action, type Resource } from "./policy";
import { getAuthOptions } from "./options";
import { requestIp } from "./request";
import { loadGrants } from "./users";

export { AuthError, type Principal };

/**
 * The signed-in caller with the grants read from the database on this request (revocation is
 * immediate). cache() makes the layout and the page of one render share one lookup.
 */
export const currentPrincipal = cache(async function currentPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(await getAuthOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const loaded = await loadGrants(await getPrisma(), id);
  if (!loaded) return null;
  return { id, ...loaded, ip: await requestIp() };
});

/** Every server action and route handler goes through here (see enforce.ts). */
export async function requirePermission(session: Principal | null, action: Action, resource: Resource = {}): Promise<Principal> {
  return enforce(await getPrisma(), session, action, resource);
}

export function can(session: Principal | null, action: Action, resource: Resource = {}): boolean {
  return !!session && decide(session.grants, action, resource).allowed;
}
