/**
 * The token exchange of the distribution token spec: GET <realm>?service=…&scope=…&scope=… with the
 * user's Basic credentials (or none, for anonymous pulls), answered by {token|access_token, expires_in}.
 */
import { RegistryError } from "../errors";
import { basicAuthorization } from "./basic";
import { parseJson, readBody, readErrorText } from "./body";
import { errorFromResponse } from "./error-mapping";
import { expiryFor, type IssuedToken } from "./token-cache";
import type { Send } from "./types";

export interface TokenEndpoint {
  realm: string;
  service?: string;
}

export interface TokenCredentials {
  username: string;
  password: string;
}

/**
 * A registry names the realm in its challenge, so a hostile or misconfigured registry could point us
 * anywhere. Credentials only travel to an https realm, or over plain http when the registry itself is
 * plain http (then they were exposed anyway, as in local test setups).
 */
export function mayReceiveCredentials(realm: URL, registryUrl: URL): boolean {
  return realm.protocol === "https:" || registryUrl.protocol === "http:";
}

export async function fetchToken(
  send: Send,
  endpoint: TokenEndpoint,
  scopes: readonly string[],
  credentials: TokenCredentials | undefined,
  registryUrl: URL,
): Promise<IssuedToken> {
  let url: URL;
  try {
    url = new URL(endpoint.realm);
  } catch {
    throw new RegistryError({
      kind: "bad_response",
      registry: registryUrl.host,
      message: `registry ${registryUrl.host} named an invalid token realm "${endpoint.realm}" in its WWW-Authenticate challenge`,
    });
  }
  if (endpoint.service) url.searchParams.set("service", endpoint.service);
  for (const scope of scopes) url.searchParams.append("scope", scope);

  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials && mayReceiveCredentials(url, registryUrl)) {
    headers.authorization = basicAuthorization(credentials.username, credentials.password);
  }

  const res = await send({ method: "GET", url, headers, what: "token" });
  const scopeText = scopes.length ? scopes.join(" ") : "(no scope)";
  if (res.status === 401 || res.status === 403) {
    const text = await readErrorText(res);
    const base = errorFromResponse(res, text);
    const who = credentials ? `user "${credentials.username}"` : "anonymous access";
    throw new RegistryError({
      kind: res.status === 401 ? "unauthorized" : "forbidden",
      status: res.status,
      registry: registryUrl.host,
      url: url.toString(),
      method: "GET",
      errors: base.errors,
      message: `token service ${url.host} (for registry ${registryUrl.host}) rejected ${who} for scope ${scopeText} (${res.status}${
        base.errors[0] ? ` ${base.errors[0].code}: ${base.errors[0].message}` : ""
      })`,
    });
  }
  if (res.status !== 200) {
    throw errorFromResponse(res, await readErrorText(res));
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
