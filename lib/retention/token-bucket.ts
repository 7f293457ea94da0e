/**
 * Paces deletions to a rate without holding the event loop: take() resolves when a token is free,
 * waiting on a timer, so other jobs of the same process (probes, syncs, requests) run meanwhile. The
 * bucket holds at most `burst` tokens, so a pause never turns into a burst of deletions afterwards.
 */
export interface TokenBucket {
  take(): Promise<void>;
}

export function createTokenBucket(ratePerSecond: number, options: { burst?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {}): TokenBucket {
  if (!(ratePerSecond > 0)) throw new Error(`deletion rate must be above 0 per second, got ${ratePerSecond}`);
  const burst = Math.max(1, options.burst ?? 1);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = 1000 / ratePerSecond;
  let tokens = burst;
  let last = now();
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) / interval);
    last = t;
  };

  const takeOne = async () => {
    refill();
    while (tokens < 1) {
      await sleep(Math.max(1, (1 - tokens) * interval));
      refill();
    }
    tokens -= 1;
  };

  return {
    // callers queue in order: concurrent takers never share one token
    take() {
      queue = queue.then(takeOne);
      return queue;
    },
  };
}
