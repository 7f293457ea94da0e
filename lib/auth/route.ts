import type { z } from "zod";
import { getPrisma } from "@/lib/runtime";
import { UserFacingError } from "@/lib/errors";
import { AuthError, enforce, type Principal } from "./enforce";
import type { Action, Resource } from "./policy";
import { clientIpFrom } from "./request";
import { currentPrincipal } from "./session";
import { principalFromToken } from "./tokens";

/** API callers: a bearer API token if present (pipelines), else the browser session. */
async function routePrincipal(request: Request): Promise<Principal | null> {
  const auth = request.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) {
    const principal = await principalFromToken(await getPrisma(), auth.slice(7).trim(), clientIpFrom(request.headers));
    if (!principal) throw new AuthError(401, "The API token is unknown, revoked or expired.");
    return principal;
  }
  return currentPrincipal();
}

/**
 * Route handlers in three steps like server actions: who is calling and may they (on the server),
 * then the handler. Refusals are JSON with 401/403, never a partial answer.
 */
export function withPermission<P>(
  permission: Action | ((params: P, url: URL) => [Action, Resource]) | null,
  handler: (ctx: { principal: Principal; params: P; url: URL; request: Request }) => Promise<Response>,
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const params = await context.params;
    const url = new URL(request.url);
    try {
      const principal = await routePrincipal(request);
      if (!principal) throw new AuthError(401, "You are not signed in.");
      if (permission) {
        const [action, resource] = typeof permission === "string" ? [permission, {}] : permission(params, url);
        await enforce(await getPrisma(), principal, action, resource);
      }
      return await handler({ principal, params, url, request });
    } catch (err) {
      if (err instanceof UserFacingError) return Response.json({ error: err.message }, { status: err.status });
      console.error(`[api] ${request.method} ${url.pathname} failed:`, err);
      return Response.json({ error: `internal error: ${(err as Error).message}` }, { status: 500 });
    }
  };
}

/**
 * A route's JSON body, validated: malformed JSON or fields the schema refuses are the caller's
 * mistake (400, naming each field), never an internal error. An empty or unreadable body reads as
 * undefined, which a schema with a default accepts.
 */
export async function jsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) throw new UserFacingError(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, 400);
  return parsed.data;
}
