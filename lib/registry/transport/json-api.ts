/**
 * A small client for the vendors' JSON management APIs (Harbor /api/v2.0, Docker Hub /v2/namespaces…),
 * built from the same transport steps as the OCI client so errors, retries (429 Retry-After, 5xx) and
 * deadlines behave identically: error → timeout → retry → authorization → user-agent → undici.
 * The authorization step is the vendor's (Basic for Harbor, a refreshed JWT for Hub).
 */
import { RegistryError } from "../errors";
import { LIMITS, parseJson, readBody } from "./body";
import { withAuthorization } from "./basic";
import { errorStep } from "./error-mapping";
import { createHttpSender, type HttpOptions } from "./http";
import { DEFAULT_RETRY_POLICY, retryStep, type RetryHooks, type RetryPolicy } from "./retry";
import { timeoutStep } from "./timeout";
import { compose, DEFAULT_TIMEOUT_MS, normalizeRegistryUrl } from "./transport";
import { discard, header, headerValues, type HttpMethod, type RegistryResponse, type Send, type Step } from "./types";
import { parseNextLink } from "./link-header";
import { userAgentStep } from "./user-agent";

export interface JsonApiOptions {
  /** "https://harbor.example.com"; paths are resolved against its origin */
  url: string;
  /** prefix of every API path, e.g. "/api/v2.0" */
  basePath?: string;
  tls?: { insecureSkipVerify?: boolean; caPem?: string };
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  retryHooks?: RetryHooks;
  userAgent?: string;
  http?: HttpOptions;
  /** the value of the Authorization header, fetched per request (may refresh a token) */
  authorization?: () => Promise<string | undefined>;
  /** called once when a request with the current authorization got 401: drop cached tokens */
  onUnauthorized?: () => void;
}

export interface ApiCall {
  method?: HttpMethod;
  /** path below basePath, already encoded */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  /** what the UI calls it in messages: "artifacts of library/app" */
  what: string;
  expect?: number[];
}

export interface ApiResult<T> {
  status: number;
  data: T;
  headers: RegistryResponse["headers"];
  /** X-Total-Count or similar, when the API sent it */
  total?: number;
  /** the rel="next" Link target, if any */
  nextLink?: string;
}

export interface JsonApi {
  origin: URL;
  host: string;
  call<T>(call: ApiCall): Promise<ApiResult<T>>;
  /** like call() but returns the body as text (e.g. Harbor task logs) */
  text(call: ApiCall): Promise<ApiResult<string>>;
  close(): Promise<void>;
}

function authorizationStep(options: JsonApiOptions): Step {
  return (next) => async (req) => {
    const value = await options.authorization?.();
    const res = await next(value ? withAuthorization(req, value) : req);
    if (res.status !== 401 || !value || !options.onUnauthorized) return res;
    // a token may have been revoked or expired early: one fresh attempt, never a loop
    options.onUnauthorized();
    const fresh = await options.authorization?.();
    if (!fresh || fresh === value) return res;
    await discard(res);
    return next(withAuthorization(req, fresh));
  };
}

export function createJsonApi(options: JsonApiOptions): JsonApi {
  const origin = normalizeRegistryUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const http = createHttpSender({ ...options.http, ...(options.tls ? { tls: options.tls } : {}), headersTimeoutMs: options.http?.headersTimeoutMs ?? Math.max(timeoutMs, 1_000) });
  const send: Send = compose(errorStep(origin), timeoutStep(timeoutMs), retryStep(policy, options.retryHooks), authorizationStep(options), userAgentStep(options.userAgent))(http.send);

  async function request(call: ApiCall, accept: string): Promise<{ res: RegistryResponse; bytes: Uint8Array; url: URL }> {
    const url = new URL(`${options.basePath ?? ""}${call.path}`, origin);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept, ...call.headers };
    let body: Uint8Array | undefined;
    if (call.json !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(call.json));
      headers["content-type"] = "application/json";
    }
    const method = call.method ?? "GET";
    const res = await send({ method, url, headers, ...(body ? { body } : {}), expect: call.expect ?? [200], what: call.what });
    const bytes = method === "HEAD" ? new Uint8Array() : await readBody(res, LIMITS.json);
    return { res, bytes, url };
  }

  const meta = (res: RegistryResponse, url: URL) => {
    const total = Number(header(res, "x-total-count"));
    // a next link is only ever a hint that more pages exist; one to another origin is not even that
    const next = parseNextLink(headerValues(res, "link"), url);
    const nextLink = next && next.origin === origin.origin ? next.toString() : undefined;
    return { status: res.status, headers: res.headers, ...(Number.isFinite(total) && header(res, "x-total-count") !== undefined ? { total } : {}), ...(nextLink ? { nextLink } : {}) };
  };

  return {
    origin,
    host: origin.host,
    async call<T>(call: ApiCall): Promise<ApiResult<T>> {
      const { res, bytes, url } = await request(call, "application/json");
      const data = (bytes.length === 0 ? undefined : parseJson(bytes, res, call.what)) as T;
      return { ...meta(res, url), data };
    },
    async text(call: ApiCall): Promise<ApiResult<string>> {
      const { res, bytes, url } = await request(call, "text/plain, application/json");
      return { ...meta(res, url), data: Buffer.from(bytes).toString("utf8") };
    },
    close: () => http.close(),
  };
}

/** The body had the wrong shape (e.g. an object where the API documents a list). */
export function shapeError(api: JsonApi, what: string, problem: string): RegistryError {
  return new RegistryError({ kind: "bad_response", registry: api.host, message: `registry ${api.host} returned an invalid ${what}: ${problem}` });
}

export function expectArray<T>(api: JsonApi, value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw shapeError(api, what, `expected a JSON array, got ${value === null ? "null" : typeof value}`);
  return value as T[];
}

export function expectObject<T extends object>(api: JsonApi, value: unknown, what: string): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw shapeError(api, what, `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  return value as T;
}
