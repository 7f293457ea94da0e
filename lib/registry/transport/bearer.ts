/**
 * The token exchange of the distribution token spec: GET <realm>?service=…&scope=…&scope=… with the
 * user's Basic credentials (or none, for anonymous pulls), answered by {token|access_token, expires_in}.
 */
import { STATUS_CODES } from "node:http";
import { RegistryError } from "../errors";
import { basicAuthorization } from "./basic";
import { parseJson, readBody } from "./body";
import { checkTokenRealm } from "./realm-policy";
import { parseRetryAfter } from "./retry";
import { expiryFor, type IssuedToken } from "./token-cache";
import { discard, header, type RegistryResponse, type Send } from "./types";

export interface TokenEndpoint {
  realm: string;
  service?: string;
}

export interface TokenCredentials {
  username: string;
  password: string;
}

/** What the realm policy needs to know about the registry (realm-policy.ts). */
export interface RealmSettings {
  registryName?: string;
  /** the registry's `tokenRealms` */
  allowed?: readonly string[];
}

/**
 * The token service is not the registry: whatever it answers on failure is never repeated in our
 * messages (a hostile realm could otherwise make Dockmaster relay arbitrary text, or probe internal
 * hosts and read the answers). Only the status and what we asked for are described.
 */
function tokenFailure(res: RegistryResponse, url: URL, registryUrl: URL, scopeText: string, who: string): RegistryError {
  const status = res.status;
  const kind = status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 429 ? "rate_limited" : status >= 502 && status <= 504 ? "unreachable" : "bad_response";
  const verb = status === 401 || status === 403 ? `rejected ${who}` : `failed`;
  const retryAfterMs = parseRetryAfter(header(res, "retry-after"));
  return new RegistryError({
    kind,
    status,
    registry: registryUrl.host,
    url: url.toString(),
    method: "GET",
    transient: status >= 500 || status === 429,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    message: `token service ${url.host} (for registry ${registryUrl.host}) ${verb} for scope ${scopeText} (${status} ${STATUS_CODES[status] ?? "unexpected status"})`,
  });
}

export async function fetchToken(
  send: Send,
  endpoint: TokenEndpoint,
  scopes: readonly string[],
  credentials: TokenCredentials | undefined,
  registryUrl: URL,
  realms: RealmSettings = {},
): Promise<IssuedToken> {
  let url: URL;
  try {
    url = new URL(endpoint.realm);
  } catch {
    throw new RegistryError({
      kind: "bad_response",
      registry: registryUrl.host,
      message: `registry ${registryUrl.host} named an invalid token realm in its WWW-Authenticate challenge`,
    });
  }
  // decided before anything is sent: a refused realm sees no request at all
  const { sendCredentials } = checkTokenRealm({
    realm: url,
    registryUrl,
    hasCredentials: credentials !== undefined,
    ...(realms.registryName ? { registryName: realms.registryName } : {}),
    ...(realms.allowed ? { allowed: realms.allowed } : {}),
  });
  if (endpoint.service) url.searchParams.set("service", endpoint.service);
  for (const scope of scopes) url.searchParams.append("scope", scope);

  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials && sendCredentials) {
    headers.authorization = basicAuthorization(credentials.username, credentials.password);
  }

  const res = await send({ method: "GET", url, headers, what: "token" });
  const scopeText = scopes.length ? scopes.join(" ") : "(no scope)";
  if (res.status !== 200) {
    await discard(res);
    throw tokenFailure(res, url, registryUrl, scopeText, credentials ? `user "${credentials.username}"` : "anonymous access");
  }

  const receivedAt = Date.now();
  const json = parseJson(await readBody(res, 1024 * 1024), res, "token response") as Record<string, unknown> | null;
  const token = typeof json?.token === "string" && json.token ? json.token : json?.access_token;
  if (typeof token !== "string" || !token) {
    throw new RegistryError({
      kind: "bad_response",
      status: res.status,
      registry: registryUrl.host,
      url: url.toString(),
      method: "GET",
      message: `token service ${url.host} answered without a "token" or "access_token" field for scope ${scopeText}`,
    });
  }
  const expiresIn = typeof json?.expires_in === "number" ? json.expires_in : undefined;
  return { token, expiresAt: expiryFor(expiresIn, receivedAt) };
}
