import type { Action, Resource } from "./policy";
import { AuthError, currentPrincipal, requirePermission, type Principal } from "./session";

/**
 * Route handlers in three steps like server actions: who is calling and may they (on the server),
 * then the handler. Refusals are JSON with 401/403, never a partial answer.
 */
export function withPermission<P>(
  permission: Action | ((params: P, url: URL) => [Action, Resource]),
  handler: (ctx: { principal: Principal; params: P; url: URL; request: Request }) => Promise<Response>,
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const params = await context.params;
    const url = new URL(request.url);
    try {
      const [action, resource] = typeof permission === "string" ? [permission, {}] : permission(params, url);
      const principal = await requirePermission(await currentPrincipal(), action, resource);
      return await handler({ principal, params, url, request });
    } catch (err) {
      if (err instanceof AuthError) return Response.json({ error: err.message }, { status: err.status });
      console.error(`[api] ${request.method} ${url.pathname} failed:`, err);
      return Response.json({ error: `internal error: ${(err as Error).message}` }, { status: 500 });
    }
  };
}
