/**
 * The time the schedulers plan by and wait on. The app uses the system clock; tests pass a manual
 * one and move it forward themselves, so a scheduler test covers seconds of schedule without
 * sleeping through them.
 */
export interface Clock {
  now(): number;
  /**
   * Calls fn once ms have passed; the returned function cancels the call. A promise fn returns is
   * the work the call started (a manual clock waits for it before moving on).
   */
  after(ms: number, fn: () => unknown): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref(); // a pending slot or planning pass never keeps the process alive on its own
    return () => clearTimeout(timer);
  },
};
