import { getServerSession } from "next-auth";
import { writeAudit } from "@/lib/audit/log";
import { getPrisma } from "@/lib/runtime";
import { decide, type Action, type Grant, type Resource } from "./policy";
import { getAuthOptions } from "./options";
import { requestIp } from "./request";
import { loadGrants } from "./users";

/** The signed-in caller with the grants read from the database on this request (revocation is immediate). */
export interface Principal {
  id: string;
  email: string;
  name: string | null;
  grants: Grant[];
  ip: string | null;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export async function currentPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(await getAuthOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const loaded = await loadGrants(await getPrisma(), id);
  if (!loaded) return null;
  return { id, ...loaded, ip: await requestIp() };
}

/**
 * Every server action and route handler goes through here. Refusals are audited and thrown as
 * AuthError, which the action and route wrappers turn into a 401/403 message.
 */
export async function requirePermission(session: Principal | null, action: Action, resource: Resource = {}): Promise<Principal> {
  if (!session) throw new AuthError(401, "You are not signed in.");
  const decision = decide(session.grants, action, resource);
  if (!decision.allowed) {
    await writeAudit(await getPrisma(), {
      actor: session,
      action: "permission.denied",
      target: resource.environment ? { type: "environment", id: resource.environment } : null,
      outcome: "denied",
      sourceIp: session.ip,
      detail: { attempted: action, reason: decision.reason },
    });
    throw new AuthError(403, `Not allowed: ${decision.reason}.`);
  }
  return session;
}

export function can(session: Principal | null, action: Action, resource: Resource = {}): boolean {
  return !!session && decide(session.grants, action, resource).allowed;
}
