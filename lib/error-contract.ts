import { randomBytes } from "node:crypto";
import { InvalidInputError, UserFacingError, type UserFacingKind } from "./errors";
import { logError } from "./log";
import { describeRegistryError, RegistryError, type RegistryErrorKind } from "./registry/errors";

/**
 * The one error contract, used by withPermission (REST API) and defineAction (server actions):
 * which HTTP status an error kind means and what the caller is told. Nothing else maps errors to
 * statuses, so the UI and the API can never disagree about what a failure was.
 */
const USER_FACING_STATUS: Record<UserFacingKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
};

/**
 * A registry failure is a failure of the gateway Dockmaster is, not the caller's: 502, or 504 when
 * it was too slow. Only "not found" is the caller's answer (the image they named is not there).
 * The registry's own 401/403 mean Dockmaster's credentials are wrong, not the caller's: 502 too.
 */
function registryStatus(kind: RegistryErrorKind | "invalid_input" | "internal"): 400 | 404 | 500 | 502 | 504 {
  if (kind === "timeout") return 504;
  if (kind === "not_found") return 404;
  if (kind === "invalid_input") return 400;
  if (kind === "internal") return 500;
  return 502;
}

export interface CallerError {
  status: number;
  /** what the caller is shown: the refusal's own message, or a generic one with the request id */
  message: string;
  kind: UserFacingKind | RegistryErrorKind | "internal";
  /** the registry that failed, when it was one */
  registry?: string;
  requestId?: string;
}

/** Short and unguessable enough to find one log line among many; not a secret. */
export function newRequestId(): string {
  return randomBytes(6).toString("hex");
}

/**
 * What the caller learns about a failure. Refusals and registry failures say what went wrong;
 * anything else (a bug, a database error) is logged in full under a fresh request id and the caller
 * gets only that id, never the internal message.
 */
export function toCallerError(err: unknown, where: string): CallerError {
  if (err instanceof UserFacingError) return { status: USER_FACING_STATUS[err.kind], message: err.message, kind: err.kind };
  if (err instanceof RegistryError) {
    const named = err.registry && !err.message.includes(err.registry) ? `registry ${err.registry}: ${err.message}` : err.message;
    return { status: registryStatus(err.kind), message: named, kind: err.kind, ...(err.registry ? { registry: err.registry } : {}) };
  }
  const requestId = newRequestId();
  logError(`${where} failed (request id ${requestId}):`, err);
  return { status: 500, message: `internal error (request id ${requestId})`, kind: "internal", requestId };
}

/**
 * A registry read for the UI's Loaded<T> contract (components/fetch-json.ts): the data (200), or
 * which registry failed and how, with the status that failure means (502/504, 404, 400). Only
 * registry and input failures are data here; anything else propagates to the error contract, so an
 * internal error is never shown as if the registry had said it.
 */
export async function loadedResponse<T>(registry: string, fn: () => Promise<T>): Promise<Response> {
  try {
    return Response.json({ ok: true, data: await fn() });
  } catch (err) {
    if (!(err instanceof RegistryError) && !(err instanceof InvalidInputError)) throw err;
    const error = describeRegistryError(err);
    logError(`[registry ${registry}] ${error.kind}:`, error.message);
    return Response.json({ ok: false, registry, error }, { status: registryStatus(error.kind) });
  }
}
