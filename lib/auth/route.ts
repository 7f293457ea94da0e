import type { z } from "zod";
import { toCallerError } from "@/lib/error-contract";
import { InvalidInputError, UserFacingError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";
import { AuthError, enforce, enforceTokenScope, type Principal } from "./enforce";
import { appOrigins } from "./origin";
import type { Action, Resource } from "./policy";
import { clientIpFrom } from "./request";
import { currentPrincipal } from "./session";
import { principalFromToken } from "./tokens";

/** Request bodies on /api/v1 are small JSON documents; anything larger is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function bearerToken(request: Request): string | null {
  const auth = request.headers.get("authorization");
  return auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : null;
}

/** API callers: a bearer API token if present (pipelines), else the browser session. */
export async function routePrincipal(request: Request): Promise<Principal | null> {
  const token = bearerToken(request);
  if (token !== null) {
    const result = await principalFromToken(await getPrisma(), token, clientIpFrom(request.headers));
    if (!result.ok) throw new AuthError(401, result.message);
    return result.principal;
  }
  return currentPrincipal();
}

/**
 * CSRF: the browser attaches the session cookie to requests any site makes, so a cookie-authenticated
 * write is accepted only when the browser says it came from this app. `Origin` is sent on every
 * cross-origin request and on same-origin writes; older browsers omit it on same-origin requests, so
 * `Sec-Fetch-Site: same-origin` (or `none`: typed by the user) also proves it. Nothing proving it
 * means refused. Requiring application/json as well means a cross-origin page cannot even send the
 * request without a CORS preflight, which this app never grants. Bearer tokens are not sent by
 * browsers on their own, so API-token callers need neither.
 */
function refuseCrossSiteWrite(request: Request, url: URL): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const sameOrigin = origin !== null ? appOrigins(url).includes(origin) : site === "same-origin" || site === "none";
  if (!sameOrigin) {
    throw new UserFacingError("cross-origin request refused: a browser session may change data only from Dockmaster's own pages (or use an API token)", "forbidden");
  }
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new UserFacingError("send the request body as Content-Type: application/json", "unsupported_media_type");
}

const tooLarge = (max: number) => new UserFacingError(`request body too large: at most ${max / 1024} KiB`, "too_large");

function refuseDeclaredOversize(request: Request, max = MAX_BODY_BYTES): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Path parameters reach the database as they are: a NUL byte there is a Postgres error, not a lookup. */
function checkedParams<P>(params: P): P {
  for (const value of Object.values(params ?? {})) {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (typeof part === "string" && (CONTROL.test(part) || part.length > 1024)) throw new InvalidInputError("invalid path: control characters or an over-long segment", part);
    }
  }
  return params;
}

/**
 * What a route may be called for: an action checked here (with its environment when a function
 * gives one), or `delegated(action)` when the service checks it per resource (a promotion's own
 * environment…). Either way the route names its action, so an API token's scopes are checked for
 * every route (lib/auth/token-scopes.ts), even where the service would only filter a list.
 */
export type RoutePermission<P> = Action | ((params: P, url: URL) => [Action, Resource]) | { delegated: Action | ((params: P) => Action) };

export function delegated<P>(action: Action | ((params: P) => Action)): { delegated: Action | ((params: P) => Action) } {
  return { delegated: action };
}

/** The action a route stands for, for the token-scope check (and for tests that walk every route). */
export function routeAction<P>(permission: RoutePermission<P>, params: P, url: URL): { action: Action; resource: Resource; checkedByService: boolean } {
  if (typeof permission === "string") return { action: permission, resource: {}, checkedByService: false };
  if (typeof permission === "function") {
    const [action, resource] = permission(params, url);
    return { action, resource, checkedByService: false };
  }
  const d = permission.delegated;
  return { action: typeof d === "function" ? d(params) : d, resource: {}, checkedByService: true };
}

export type RouteHandler<P> = ((request: Request, context: { params: Promise<P> }) => Promise<Response>) & { permission: RoutePermission<P> };

/**
 * Route handlers in three steps like server actions: who is calling and may they (on the server),
 * then the handler. Failures are answered by the one error contract (lib/error-contract.ts): JSON
 * `{error}` with the status the error's kind means, never a partial answer, never an internal message.
 */
export function withPermission<P>(
  permission: RoutePermission<P>,
  handler: (ctx: { principal: Principal; params: P; url: URL; request: Request }) => Promise<Response>,
): RouteHandler<P> {
  const route = async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const url = new URL(request.url);
    try {
      const params = checkedParams(await context.params);
      if (!SAFE_METHODS.has(request.method)) {
        if (bearerToken(request) === null) refuseCrossSiteWrite(request, url);
        refuseDeclaredOversize(request);
      }
      const principal = await routePrincipal(request);
      if (!principal) throw new AuthError(401, "You are not signed in.");
      const { action, resource, checkedByService } = routeAction(permission, params, url);
      const prisma = await getPrisma();
      if (checkedByService) await enforceTokenScope(prisma, principal, action);
      else await enforce(prisma, principal, action, resource);
      return await handler({ principal, params, url, request });
    } catch (err) {
      const e = toCallerError(err, `[api] ${request.method} ${url.pathname}`);
      const body = { error: e.message, ...(e.registry ? { registry: e.registry } : {}), ...(e.requestId ? { requestId: e.requestId } : {}) };
      return Response.json(body, { status: e.status, headers: e.requestId ? { "x-request-id": e.requestId } : undefined });
    }
  };
  return Object.assign(route, { permission });
}

/** The body as text, at most `max` bytes read: a client that sends more (declared or not) is cut off. */
export async function readLimited(request: Request, max = MAX_BODY_BYTES): Promise<string> {
  refuseDeclaredOversize(request, max);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new InvalidInputError("invalid request: the body is not UTF-8");
  }
}

/**
 * A route's JSON body, validated: it must be a JSON object (malformed JSON, an array, a string…
 * are the caller's mistake, 400, never read as "no fields"), and fields the schema refuses are
 * named one by one. Only an empty body reads as undefined, which a schema with a default accepts.
 */
export async function jsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await readLimited(request);
  let value: unknown;
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidInputError("invalid request: the body is not valid JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InvalidInputError("invalid request: the body must be a JSON object");
  }
  return validInput(schema, value, "body");
}

/** A route's query parameters, validated the same way: 400 naming each field the schema refuses. */
export function queryInput<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
  return validInput(schema, Object.fromEntries(url.searchParams), "query");
}

function validInput<S extends z.ZodType>(schema: S, value: unknown, whole: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join(".") || whole}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
