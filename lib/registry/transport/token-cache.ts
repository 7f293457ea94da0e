/**
 * Bearer tokens per (realm, service, scopes), kept until shortly before they expire. Concurrent
 * requests needing the same token share one fetch, so a fan-out of 50 manifest reads costs one
 * round trip to the token service, not 50.
 */

export interface IssuedToken {
  token: string;
  /** epoch ms after which we stop using it */
  expiresAt: number;
}

export interface TokenLookup {
  token: string;
  /** true when this call fetched it (a 401 for a fresh token is not worth a refresh) */
  fresh: boolean;
}

export function tokenCacheKey(realm: string, service: string | undefined, scopes: readonly string[]): string {
  return `${realm}|${service ?? ""}|${[...new Set(scopes)].sort().join(" ")}`;
}

export interface TokenCache {
  get(key: string, fetch: () => Promise<IssuedToken>): Promise<TokenLookup>;
  /** drops `token` if it is still the cached one (a concurrent refresh may already have replaced it) */
  invalidate(key: string, token: string): void;
  size(): number;
}

export function createTokenCache(now: () => number = Date.now): TokenCache {
  const tokens = new Map<string, IssuedToken>();
  const inflight = new Map<string, Promise<IssuedToken>>();

  return {
    async get(key, fetch) {
      const cached = tokens.get(key);
      if (cached && cached.expiresAt > now()) return { token: cached.token, fresh: false };
      if (cached) tokens.delete(key);

      // joining another caller's fetch still counts as fresh: the token was just issued
      let pending = inflight.get(key);
      if (!pending) {
        pending = fetch().then(
          (issued) => {
            tokens.set(key, issued);
            inflight.delete(key);
            return issued;
          },
          (err: unknown) => {
            inflight.delete(key);
            throw err;
          },
        );
        inflight.set(key, pending);
      }
      const issued = await pending;
      return { token: issued.token, fresh: true };
    },
    invalidate(key, token) {
      if (tokens.get(key)?.token === token) tokens.delete(key);
    },
    size: () => tokens.size,
  };
}

/**
 * Lifetime per the token spec: `expires_in` seconds (default 60) counted from when we received it.
 * We ignore `issued_at` on purpose: with a skewed clock it would make tokens look expired on arrival.
 * A small margin avoids sending a token that expires in flight.
 */
export function expiryFor(expiresInSeconds: number | undefined, receivedAt: number): number {
  const lifetimeMs = (expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : 60) * 1000;
  const margin = Math.min(10_000, lifetimeMs * 0.1);
  return receivedAt + lifetimeMs - margin;
}
