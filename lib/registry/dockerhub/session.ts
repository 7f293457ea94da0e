/**
 * Hub API sign-in: POST /v2/auth/token with the username and a personal access token answers a JWT
 * valid for about ten minutes. We keep it until a minute before its `exp`, and drop it on a 401.
 */
import { RegistryError } from "../errors";
import type { JsonApi } from "../transport/json-api";

export interface HubCredentials {
  username: string;
  /** personal access token (or password, for accounts without SSO) */
  secret: string;
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export interface HubSession {
  authorization(): Promise<string | undefined>;
  invalidate(): void;
}

export function createHubSession(credentials: HubCredentials | undefined, signIn: () => JsonApi, now: () => number = Date.now): HubSession {
  let current: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const api = signIn();
    const res = await api.call<{ access_token?: unknown }>({ method: "POST", path: "/v2/auth/token", json: { identifier: credentials!.username, secret: credentials!.secret }, what: "Docker Hub sign-in" });
    const token = res.data?.access_token;
    if (typeof token !== "string" || !token) throw new RegistryError({ kind: "bad_response", registry: api.host, message: `Docker Hub ${api.host} answered the sign-in without an access_token` });
    const exp = jwtExpiry(token) ?? now() + 5 * 60_000;
    current = { token, refreshAt: exp - Math.min(60_000, (exp - now()) / 2) };
    return token;
  }

  return {
    async authorization() {
      if (!credentials) return undefined;
      if (current && now() < current.refreshAt) return `Bearer ${current.token}`;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return `Bearer ${await pending}`;
    },
    invalidate() {
      current = undefined;
    },
  };
}
