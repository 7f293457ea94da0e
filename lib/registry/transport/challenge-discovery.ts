/**
 * Learns how a registry wants to be authenticated: an unauthenticated `GET /v2/` answers 200 (no auth)
 * or 401 with a WWW-Authenticate challenge. Done once per client and shared by concurrent callers;
 * a failed attempt is forgotten so the next request tries again.
 */
import { parseAuthChallenges, pickChallenge, type AuthChallenge } from "./auth-challenge";
import { discard, headerValues, type Send } from "./types";

export interface ChallengeDiscovery {
  /** undefined: not known (yet); null: the registry wants no credentials */
  get(next: Send, signal: AbortSignal | undefined): Promise<AuthChallenge | null | undefined>;
  /** a later 401 taught us a different challenge, or an unauthenticated GET /v2/ made elsewhere (ping) answered: null = no credentials wanted */
  learn(challenge: AuthChallenge | null): void;
  current(): AuthChallenge | null | undefined;
}

export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

export function createChallengeDiscovery(registryUrl: URL, timeoutMs: number): ChallengeDiscovery {
  let known: AuthChallenge | null | undefined;
  let discovering: Promise<void> | undefined;

  return {
    async get(next, signal) {
      if (known !== undefined) return known;
      discovering ??= (async () => {
        try {
          const res = await next({ method: "GET", url: new URL("/v2/", registryUrl), signal: AbortSignal.timeout(timeoutMs) });
          if (res.status === 401) known = pickChallenge(parseAuthChallenges(headerValues(res, "www-authenticate"))) ?? null;
          else if (res.status >= 200 && res.status < 300) known = null;
          await discard(res);
        } catch {
          // unknown for now; the real request will surface the network problem with its own target
        } finally {
          discovering = undefined;
        }
      })();
      // each waiter gives up at its own deadline, not at that of whoever started the ping
      await raceAbort(discovering, signal);
      return known;
    },
    learn(challenge) {
      known = challenge;
    },
    current: () => known,
  };
}
