/**
 * Typed registry errors. Every failure that leaves lib/registry is either a RegistryError (the
 * registry or the network misbehaved) or an InvalidInputError (the caller passed something that can
 * never work, e.g. a malformed reference). The UI switches on `kind`, so kinds stay few and stable.
 */

import { InvalidInputError } from "../errors";

export type RegistryErrorKind =
  | "unreachable"
  | "timeout"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "bad_response"
  | "digest_mismatch"
  | "unsupported";

/** One entry of the distribution error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  kind: RegistryErrorKind;
  message: string;
  status?: number;
  /** host[:port] of the registry (or token service) that produced the error */
  registry?: string;
  url?: string;
  method?: string;
  retryAfterMs?: number;
  errors?: RegistryErrorDetail[];
  /** true when repeating the same request may succeed (connection reset, 5xx) */
  transient?: boolean;
  cause?: unknown;
}

// Next.js bundles server code per layer (route handlers, server components), so one process can hold
// two copies of this class while sharing cached providers; a registered symbol keeps instanceof true.
const REGISTRY_ERROR = Symbol.for("dockmaster.RegistryError");

export class RegistryError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REGISTRY_ERROR] === true;
  }
  readonly [REGISTRY_ERROR] = true;
  readonly kind: RegistryErrorKind;
  readonly status?: number;
  readonly registry?: string;
  readonly url?: string;
  readonly method?: string;
  readonly retryAfterMs?: number;
  readonly errors: RegistryErrorDetail[];
  readonly transient: boolean;

  constructor(init: RegistryErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "RegistryError";
    this.kind = init.kind;
    this.status = init.status;
    this.registry = init.registry;
    this.url = init.url;
    this.method = init.method;
    this.retryAfterMs = init.retryAfterMs;
    this.errors = init.errors ?? [];
    this.transient = init.transient ?? false;
  }

  /** The registry's own error codes, e.g. ["MANIFEST_UNKNOWN"]. */
  get codes(): string[] {
    return this.errors.map((e) => e.code);
  }
}

// The one "invalid input" error is shared with the rest of the app (lib/errors.ts: no HTTP, no Next in it).
export { InvalidInputError };

export function isRegistryError(e: unknown): e is RegistryError {
  return e instanceof RegistryError;
}

export function isRegistryErrorKind(e: unknown, kind: RegistryErrorKind): e is RegistryError {
  return e instanceof RegistryError && e.kind === kind;
}

const HINTS: Record<RegistryErrorKind, string> = {
  unreachable:
    "Check that the registry is running and that its URL, port, DNS name, TLS settings and firewall rules are right.",
  timeout:
    "The registry answered too slowly. Check its load and the network path, or raise the connection timeout.",
  unauthorized: "Check the username/password or token configured for this registry.",
  forbidden: "The credentials are valid but lack permission; grant the account access to this repository.",
  not_found: "Check the repository name, tag or digest; it may have been deleted or never pushed.",
  rate_limited: "The registry is throttling requests; wait before retrying or use authenticated access.",
  bad_response: "The registry sent a response Dockmaster could not use; check the registry logs and version.",
  digest_mismatch:
    "Content did not match its digest: the data was corrupted in transit or in storage. Do not trust this artifact until it is re-pushed.",
  unsupported: "This registry does not offer the operation; check its configuration or type.",
};

export interface DescribedError {
  kind: RegistryErrorKind | "invalid_input" | "internal";
  message: string;
  hint?: string;
  status?: number;
  retryAfterMs?: number;
}

/** Turns anything thrown by lib/registry into something safe and useful to show in the UI. */
export function describeRegistryError(e: unknown): DescribedError {
  if (e instanceof RegistryError) {
    return {
      kind: e.kind,
      message: e.message,
      hint: HINTS[e.kind],
      status: e.status,
      retryAfterMs: e.retryAfterMs,
    };
  }
  if (e instanceof InvalidInputError) {
    return { kind: "invalid_input", message: e.message };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: "internal", message: `unexpected error: ${message}` };
}
