/**
 * Bounded fan-out. Registries throttle and sockets are finite, so every "for each platform / repo / blob"
 * loop in lib/registry goes through here instead of an unbounded Promise.all.
 */

/**
 * Maps `items` with at most `limit` calls in flight, preserving order. On the first failure no new
 * items are started; the promise rejects with that first error once the in-flight calls have settled,
 * so nothing keeps running unobserved after the caller has moved on.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be >= 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let failed = false;
  let firstError: unknown;

  const worker = async (): Promise<void> => {
    while (!failed && nextIndex < items.length) {
      const index = nextIndex++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
        }
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw firstError;
  return results;
}

/** A shared gate: `limit(fn)` runs fn when fewer than `max` gated calls are running. */
export function createLimiter(max: number): <R>(fn: () => Promise<R>) => Promise<R> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency limit must be >= 1, got ${max}`);
  let active = 0;
  const waiting: Array<() => void> = [];

  // A finishing call hands its slot straight to the next waiter, so a newcomer arriving in between
  // cannot slip past the limit.
  const release = () => {
    const wake = waiting.shift();
    if (wake) wake();
    else active--;
  };

  return async <R>(fn: () => Promise<R>): Promise<R> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
