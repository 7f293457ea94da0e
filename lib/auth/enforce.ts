import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { isSystemActorName } from "@/lib/audit/system-actors";
import { UserFacingError } from "@/lib/errors";
import { decide, type Action, type Grant, type Resource } from "./policy";
import { scopeRefusal, type TokenLimit } from "./token-scopes";

/** The caller as the policy sees them: a person in the UI, or a pipeline holding one of their API tokens. */
export interface Principal {
  id: string;
  email: string;
  name: string | null;
  grants: Grant[];
  ip: string | null;
  /** set when the call came with an API token */
  viaToken?: string;
  /** the API token's scopes and environments (also carried on each grant: see Grant.limit) */
  tokenLimit?: TokenLimit;
}

/** Not signed in (401) or not allowed (403): a refusal the caller can act on, like any UserFacingError. */
export class AuthError extends UserFacingError {
  constructor(status: 401 | 403, message: string) {
    super(message, status === 401 ? "unauthenticated" : "forbidden");
    this.name = "AuthError";
  }
}

/**
 * The single gate every server action, route handler and domain service passes: decide() says yes
 * or no; a no is audited and thrown as AuthError (401 without a caller, 403 otherwise).
 */
export async function enforce(prisma: PrismaClient, principal: Principal | null, action: Action, resource: Resource = {}): Promise<Principal> {
  if (!principal) throw new AuthError(401, "You are not signed in.");
  // Dockmaster's own actors ("system:…") act only from its own jobs, never through this gate: a caller
  // that names one is refused whatever grants it carries (lib/audit/system-actors.ts)
  if (isSystemActorName(principal.email)) await refuse(prisma, principal, action, resource, "system actor", "A system actor cannot act through a request.");
  const decision = decide(principal.grants, action, resource);
  // the person reads plain words; the machine key stays in the audit row
  if (!decision.allowed) await refuse(prisma, principal, action, resource, decision.reason, decision.message);
  return principal;
}

/**
 * A route whose service checks the permission per resource (a promotion's own environment…) still
 * declares its action, so that a token's scopes are checked at the door: a token without the scope
 * is refused there, even where the service would only have filtered a list.
 */
export async function enforceTokenScope(prisma: PrismaClient, principal: Principal, action: Action): Promise<void> {
  const refusal = principal.tokenLimit ? scopeRefusal(principal.tokenLimit, action) : null;
  if (refusal) await refuse(prisma, principal, action, {}, refusal);
}

async function refuse(prisma: PrismaClient, principal: Principal, action: Action, resource: Resource, reason: string, message = `Not allowed: ${reason}.`): Promise<never> {
  await writeAudit(prisma, {
    actor: principal,
    action: "permission.denied",
    target: resource.environment ? { type: "environment", id: resource.environment } : null,
    outcome: "denied",
    sourceIp: principal.ip,
    detail: { attempted: action, reason, ...(principal.viaToken ? { via: `API token "${principal.viaToken}"` } : {}) },
  });
  throw new AuthError(403, message);
}
