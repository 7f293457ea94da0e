/**
 * Retries transient failures: 408/429/5xx answers and connections reset before an answer. Waits
 * `Retry-After` when the registry gives one, otherwise exponential backoff with full jitter (so a fleet
 * of probes does not hammer a recovering registry in lockstep). Attempts are bounded, and the last
 * response is passed up unchanged so the error step can report the registry's own words.
 */
import { RegistryError } from "../errors";
import { discard, header, isIdempotent, isReplayable, type RegistryResponse, type Step } from "./types";

export interface RetryPolicy {
  /** total sends, including the first */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a longer Retry-After is not waited for: the call fails as rate_limited with retryAfterMs set */
  maxRetryAfterMs: number;
  retryStatuses: readonly number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  retryStatuses: [408, 429, 500, 502, 503, 504],
};

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.round(random() * ceiling);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryHooks {
  /** observability: called before each wait */
  onRetry?: (info: { attempt: number; waitMs: number; status?: number; error?: unknown; url: string }) => void;
  random?: () => number;
}

export function retryStep(policy: RetryPolicy = DEFAULT_RETRY_POLICY, hooks: RetryHooks = {}): Step {
  const retryStatuses = new Set(policy.retryStatuses);
  return (next) => async (req) => {
    const replayable = isReplayable(req);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.maxAttempts || !replayable;
      let res: RegistryResponse;
      try {
        res = await next(req);
      } catch (err) {
        const retriable = err instanceof RegistryError && err.transient && isIdempotent(req);
        if (last || !retriable) throw err;
        const waitMs = backoffDelay(attempt, policy, hooks.random);
        if (req.deadline !== undefined && Date.now() + waitMs >= req.deadline) throw err;
        hooks.onRetry?.({ attempt, waitMs, error: err, url: req.url.toString() });
        await sleep(waitMs, req.signal);
        continue;
      }

      res.attempts = attempt;
      if (!retryStatuses.has(res.status) || last) return res;
      // 429 and 503 mean "not processed", so even a non-idempotent request is safe to repeat
      if (!isIdempotent(req) && res.status !== 429 && res.status !== 503) return res;

      const retryAfterMs = parseRetryAfter(header(res, "retry-after"));
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return res;
      const waitMs = retryAfterMs ?? backoffDelay(attempt, policy, hooks.random);
      if (req.deadline !== undefined && Date.now() + waitMs >= req.deadline) return res;

      await discard(res);
      hooks.onRetry?.({ attempt, waitMs, status: res.status, url: req.url.toString() });
      await sleep(waitMs, req.signal);
    }
  };
}
