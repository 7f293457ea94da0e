/**
 * The next-auth provider for auth.oidc (id `oidc`: redirect URI <NEXTAUTH_URL>/api/auth/callback/oidc)
 * and the in-session group re-check.
 *
 * Group re-check, and why it lives in memory: groups arrive with the sign-in, but "removed from
 * platform-admins loses admin at the next request" needs them re-read during the session. The JWT
 * keeps the provider's access token; at most every `refreshMinutes` the session callback calls the
 * userinfo endpoint with it and stores the groups (User.groups, read on every request). When the
 * provider refuses (token revoked or expired, account gone) the session ends. The time of the last
 * check is kept per process (keyed by a hash of the access token) rather than in the JWT, because
 * server components cannot rewrite the session cookie; a second replica simply checks once more.
 */
import { createHash } from "node:crypto";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { Agent, fetch } from "undici";
import type { PrismaClient } from "@/lib/db/generated/client";
import { envRefName } from "@/lib/config/names";
import { groupsFrom, mergeClaims, refreshGroups, type Claims } from "./oidc-account";
import type { OidcConfig } from "./oidc-config";

export const OIDC_PROVIDER_ID = "oidc";

function oidcClientSecret(cfg: OidcConfig): string {
  const name = envRefName(cfg.clientSecret);
  const value = name ? process.env[name] : undefined;
  // Start-up already checks the reference resolves (lib/config/load.ts); this is the belt to its braces.
  if (!value) throw new Error(`auth.oidc.clientSecret: environment variable ${name ?? cfg.clientSecret} is not set`);
  return value;
}

export function oidcProvider(cfg: OidcConfig): OAuthConfig<Claims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: cfg.name,
    type: "oauth",
    wellKnown: `${cfg.issuer}/.well-known/openid-configuration`,
    clientId: cfg.clientId,
    clientSecret: oidcClientSecret(cfg),
    authorization: { params: { scope: cfg.scopes.join(" ") } },
    // Authorization code + PKCE, with state and nonce bound to this browser by next-auth's cookies;
    // openid-client verifies the ID token's signature, iss, aud, exp and nonce.
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    httpOptions: { timeout: cfg.timeoutMs, ...(cfg.caPem ? { ca: cfg.caPem } : {}) },
    userinfo: {
      // Groups may be in the ID token or only at userinfo (many providers keep ID tokens small).
      async request({ tokens: params, client }) {
        // next-auth passes openid-client's TokenSet here, typed only as its parameters.
        const tokens = params as typeof params & { claims(): Claims };
        const idClaims = tokens.claims();
        if (groupsFrom(idClaims, cfg.groupsClaim) && typeof idClaims.email === "string") return idClaims;
        const userinfo = tokens.access_token && client.issuer.metadata.userinfo_endpoint ? ((await client.userinfo(tokens as Parameters<typeof client.userinfo>[0])) as Claims) : undefined;
        return mergeClaims(idClaims, userinfo);
      },
    },
    profile(claims) {
      return { id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: typeof claims.name === "string" ? claims.name : null };
    },
  };
}

const holder = globalThis as unknown as { __dmOidcChecked?: Map<string, number>; __dmOidcUserinfo?: Map<string, Promise<string>> };
const checked = (holder.__dmOidcChecked ??= new Map());

const keyOf = (accessToken: string) => createHash("sha256").update(accessToken).digest("base64url");

/** At sign-in the groups are fresh: the first re-check is due refreshMinutes later. */
export function markGroupsFresh(accessToken: string, now = Date.now()): void {
  checked.set(keyOf(accessToken), now);
  if (checked.size > 10_000) for (const [k, t] of checked) if (now - t > 24 * 3600_000) checked.delete(k);
}

const agents = new Map<string, Agent>();

/** One connection pool per CA (the config does not change while the process runs). */
function dispatcherFor(cfg: OidcConfig) {
  if (!cfg.caPem) return undefined;
  let agent = agents.get(cfg.caPem);
  if (!agent) agents.set(cfg.caPem, (agent = new Agent({ connect: { ca: cfg.caPem } })));
  return agent;
}

async function userinfoEndpoint(cfg: OidcConfig): Promise<string> {
  const cache = (holder.__dmOidcUserinfo ??= new Map());
  let found = cache.get(cfg.issuer);
  if (!found) {
    const url = `${cfg.issuer}/.well-known/openid-configuration`;
    found = fetch(url, { dispatcher: dispatcherFor(cfg), signal: AbortSignal.timeout(cfg.timeoutMs) }).then(async (r) => {
      if (!r.ok) throw new Error(`${url} answered ${r.status}`);
      const endpoint = ((await r.json()) as { userinfo_endpoint?: string }).userinfo_endpoint;
      if (!endpoint) throw new Error(`no userinfo_endpoint in ${url}`);
      return endpoint;
    });
    cache.set(cfg.issuer, found);
  }
  // A failed discovery is not remembered: the next request asks again.
  return found.catch((err: Error) => {
    cache.delete(cfg.issuer);
    const cause = (err.cause as Error | undefined)?.message;
    throw new Error(cause ? `${err.message} (${cause})` : err.message);
  });
}

/**
 * Whether the session may go on: true when the last check is recent enough, or userinfo accepted the
 * access token now (the user's groups are then updated); false when the provider refuses or cannot
 * be asked (fail closed: group-derived admin must not outlive its group).
 */
export async function recheckOidcSession(prisma: PrismaClient, cfg: OidcConfig, userId: string, accessToken: string, now = Date.now()): Promise<boolean> {
  const key = keyOf(accessToken);
  const last = checked.get(key);
  if (last !== undefined && now - last < cfg.refreshMinutes * 60_000) return true;
  try {
    const res = await fetch(await userinfoEndpoint(cfg), {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      dispatcher: dispatcherFor(cfg),
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
    if (!res.ok) {
      console.warn(`[dockmaster] OIDC session of user ${userId} ended: userinfo answered ${res.status}`);
      checked.delete(key);
      return false;
    }
    await refreshGroups(prisma, userId, (await res.json()) as Claims, cfg.groupsClaim);
    checked.set(key, now);
    return true;
  } catch (err) {
    console.warn(`[dockmaster] OIDC session of user ${userId} ended: userinfo failed: ${(err as Error).message}`);
    return false;
  }
}
