/**
 * Assembles the request stack for one registry connection.
 *
 * The handshake, end to end (distribution token spec + OCI distribution spec):
 *
 *  1. Ping. Before the first real request the auth step sends an unauthenticated `GET /v2/`.
 *     200 means the registry wants no credentials. 401 carries `WWW-Authenticate`, which names the
 *     scheme: `Basic realm="…"` or `Bearer realm="<token url>",service="<name>"`.
 *  2. Basic: every request carries `Authorization: Basic base64(user:password)`.
 *  3. Bearer: each request declares the scopes it needs ("repository:team/app:pull",
 *     "repository:team/app:pull,push", "registry:catalog:*"). The realm must pass realm-policy.ts (the
 *     registry's own host or one listed in `tokenRealms`, https, no metadata address) before it sees
 *     the credentials or any request at all. The auth step asks the realm for a token
 *     (`GET <realm>?service=…&scope=…`, with the user's Basic credentials if any) and caches it per
 *     scope set for `expires_in` seconds (60 if absent). The request is sent with
 *     `Authorization: Bearer <token>`.
 *  4. A 401 on a cached token (revoked, expired early, registry restarted with new keys) drops it and
 *     fetches one new token, once. A 401 whose challenge asks for more scope than we requested is
 *     answered the same way with the union of scopes. A second 401 becomes `unauthorized`.
 *  5. Retry wraps the whole exchange (5xx/429 with Retry-After or jittered backoff); the timeout wraps
 *     retry so one deadline bounds the call; the error step on top turns unexpected statuses into
 *     RegistryError with the registry's own error codes.
 *
 * Outermost first:  error → timeout → retry → auth(challenge discovery, basic, bearer) → user-agent → undici
 * Token requests:           timeout → retry → user-agent → undici   (same pool, no auth)
 */
import type { RegistryConnection } from "../provider";
import { authStep } from "./auth";
import { createChallengeDiscovery, type ChallengeDiscovery } from "./challenge-discovery";
import { errorStep } from "./error-mapping";
import { createHttpSender, type HttpOptions } from "./http";
import { DEFAULT_RETRY_POLICY, retryStep, type RetryHooks, type RetryPolicy } from "./retry";
import { timeoutStep } from "./timeout";
import type { Send, Step } from "./types";
import { userAgentStep } from "./user-agent";

export interface TransportOptions {
  retry?: Partial<RetryPolicy>;
  retryHooks?: RetryHooks;
  userAgent?: string;
  http?: HttpOptions;
}

export interface Transport {
  /** authenticated requests to the registry */
  send: Send;
  /** unauthenticated requests, e.g. following a blob redirect to object storage */
  sendPlain: Send;
  registryUrl: URL;
  host: string;
  /** how the registry wants to be authenticated, as the auth step learned it */
  challenges: ChallengeDiscovery;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function compose(...steps: Step[]): (send: Send) => Send {
  return (send) => steps.reduceRight((inner, step) => step(inner), send);
}

/** A bare host means https, except loopback where registries usually run plain http. */
export function normalizeRegistryUrl(raw: string): URL {
  const trimmed = raw.trim().replace(/\/+$/, "");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const host = hasScheme ? "" : (trimmed.split("/")[0] ?? "");
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const url = new URL(hasScheme ? trimmed : `${loopback ? "http" : "https"}://${trimmed}`);
  // credentials belong in the registry's auth settings; the URL is shown and logged everywhere
  if (url.username || url.password) {
    throw new TypeError(`registry URL for ${url.host} must not contain credentials (user:password@); configure them as the registry's username and secret instead`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`registry URL "${raw}" must use http or https`);
  }
  return new URL(url.origin);
}

export function createTransport(conn: RegistryConnection, options: TransportOptions = {}): Transport {
  const registryUrl = normalizeRegistryUrl(conn.url);
  const timeoutMs = conn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const http = createHttpSender({
    ...options.http,
    ...(conn.tls ? { tls: conn.tls } : {}),
    headersTimeoutMs: options.http?.headersTimeoutMs ?? Math.max(timeoutMs, 1_000),
  });

  const wire = userAgentStep(options.userAgent)(http.send);
  const tokenSend = compose(timeoutStep(timeoutMs), retryStep(policy, options.retryHooks))(wire);
  const challenges = createChallengeDiscovery(registryUrl, timeoutMs);
  const auth = authStep({
    auth: conn.auth,
    registryUrl,
    tokenSend,
    discovery: challenges,
    realms: { registryName: conn.name, ...(conn.tokenRealms ? { allowed: conn.tokenRealms } : {}) },
  });

  const send = compose(errorStep(registryUrl), timeoutStep(timeoutMs), retryStep(policy, options.retryHooks), auth)(wire);
  const sendPlain = compose(errorStep(registryUrl), timeoutStep(timeoutMs), retryStep(policy, options.retryHooks))(wire);

  return { send, sendPlain, registryUrl, host: registryUrl.host, challenges, close: () => http.close() };
}
