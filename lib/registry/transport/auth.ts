/**
 * Adds credentials to each request according to the challenge the registry issued, and recovers from
 * exactly one 401 per request: a cached bearer token the registry no longer accepts is dropped and
 * fetched anew, a challenge asking for more scope is honoured, and a first anonymous attempt is
 * repeated with credentials. Any second 401 is final — no loops.
 */
import type { RegistryAuth } from "../provider";
import { challengeScopes, parseAuthChallenges, pickChallenge, type AuthChallenge } from "./auth-challenge";
import { createChallengeDiscovery, raceAbort, type ChallengeDiscovery } from "./challenge-discovery";
import { basicAuthorization, withAuthorization } from "./basic";
import { fetchToken, type RealmSettings, type TokenCredentials } from "./bearer";
import { createTokenCache, tokenCacheKey, type TokenCache } from "./token-cache";
import { discard, headerValues, isReplayable, type RegistryRequest, type Send, type Step } from "./types";

export interface AuthStepOptions {
  auth: RegistryAuth;
  registryUrl: URL;
  /** sends token-service requests (no auth step in it, but retry and timeout) */
  tokenSend: Send;
  tokenCache?: TokenCache;
  discoveryTimeoutMs?: number;
  /** shared with the client, so a ping's own unauthenticated GET /v2/ also answers discovery */
  discovery?: ChallengeDiscovery;
  /** which token services besides the registry's own host may be asked (realm-policy.ts) */
  realms?: RealmSettings;
}

interface Authorization {
  value?: string;
  token?: string;
  cacheKey?: string;
  fresh?: boolean;
}

export function authStep(options: AuthStepOptions): Step {
  const { auth, registryUrl, tokenSend } = options;
  const cache = options.tokenCache ?? createTokenCache();
  const credentials: TokenCredentials | undefined =
    auth.kind === "basic" ? { username: auth.username, password: auth.password } : undefined;

  const discovery = options.discovery ?? createChallengeDiscovery(registryUrl, options.discoveryTimeoutMs ?? 30_000);

  const authorize = async (challenge: AuthChallenge | null | undefined, scopes: string[]): Promise<Authorization> => {
    if (!challenge) return {};
    if (challenge.scheme === "basic") {
      return credentials ? { value: basicAuthorization(credentials.username, credentials.password) } : {};
    }
    const realm = challenge.params.realm;
    if (challenge.scheme !== "bearer" || !realm) return {};
    const service = challenge.params.service;
    const cacheKey = tokenCacheKey(realm, service, scopes);
    const { token, fresh } = await cache.get(cacheKey, () =>
      fetchToken(tokenSend, { realm, ...(service ? { service } : {}) }, scopes, credentials, registryUrl, options.realms),
    );
    return { value: `Bearer ${token}`, token, cacheKey, fresh };
  };

  const send = (next: Send, req: RegistryRequest, authorization: Authorization) =>
    next(authorization.value ? withAuthorization(req, authorization.value) : req);

  return (next) => async (req) => {
    if (auth.kind === "bearer-token") return next(withAuthorization(req, `Bearer ${auth.token}`));

    const scopes = req.scopes ?? [];
    const first = await raceAbort(
      discovery.get(next, req.signal).then((challenge) => authorize(challenge, scopes)),
      req.signal,
    );
    const res = await send(next, req, first);
    if (res.status !== 401 || !isReplayable(req)) return res;

    const offered = pickChallenge(parseAuthChallenges(headerValues(res, "www-authenticate")));
    if (!offered) return res;

    let retryScopes = scopes;
    if (offered.scheme === "basic") {
      // Basic credentials were refused outright, or we have none to offer
      if (first.value || !credentials) return res;
    } else {
      const extra = challengeScopes(offered).filter((s) => !scopes.includes(s));
      const sameRealm = discovery.current()?.params.realm === offered.params.realm;
      // a token issued moments ago was refused: another one would be refused too
      if (first.token && first.fresh && extra.length === 0 && sameRealm) return res;
      if (first.token && first.cacheKey) cache.invalidate(first.cacheKey, first.token);
      retryScopes = [...scopes, ...extra];
    }
    discovery.learn(offered);
    const second = await raceAbort(authorize(offered, retryScopes), req.signal);
    if (!second.value) return res;
    await discard(res);
    return send(next, req, second);
  };
}
