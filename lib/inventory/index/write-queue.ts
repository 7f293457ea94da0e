/**
 * Lets a sync's registry reads and its database writes overlap without letting memory grow: readers
 * hand finished repositories to `add`, which waits while `maxQueued` are already waiting; one writer
 * takes everything queued (up to `maxBatch`) per write.
 *
 * Batches size themselves, and have a floor: the writer lingers (at most `lingerMs`) until `minBatch`
 * items are queued. Without the floor a fast database took one or two repositories per transaction
 * (472 transactions for 1,000 repositories), and the per-transaction cost (BEGIN, lock, lookups,
 * COMMIT, the triggers' statement-level work) was most of the sync's own CPU. `drain` cuts the
 * linger short, so a lone item (an event's re-read) is written at once.
 */
export interface WriteQueue<T> {
  add(item: T): Promise<void>;
  /** resolves once everything added is written */
  drain(): Promise<void>;
}

export interface WriteQueueOptions<T> {
  maxBatch: number;
  maxQueued: number;
  /** the writer waits for this many items (or `lingerMs`) before a write; default 1 (no waiting) */
  minBatch?: number;
  lingerMs?: number;
  write: (batch: T[]) => Promise<void>;
}

export function createWriteQueue<T>(o: WriteQueueOptions<T>): WriteQueue<T> {
  const minBatch = Math.max(1, Math.min(o.minBatch ?? 1, o.maxBatch, o.maxQueued));
  const queue: T[] = [];
  const waitingForRoom: (() => void)[] = [];
  let writing: Promise<void> | null = null;
  let draining = false;
  /** wakes a lingering writer: enough items arrived, or drain() was called */
  let wakeWriter: (() => void) | null = null;

  const linger = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, o.lingerMs ?? 0);
      function done() {
        clearTimeout(timer);
        wakeWriter = null;
        resolve();
      }
      wakeWriter = done;
    });

  const loop = async () => {
    while (queue.length) {
      if (queue.length < minBatch && !draining) await linger();
      const batch = queue.splice(0, o.maxBatch);
      for (const wake of waitingForRoom.splice(0)) wake();
      await o.write(batch);
    }
  };
  const start = () => {
    if (writing || !queue.length) return;
    writing = loop().finally(() => {
      writing = null;
      start();
    });
  };

  return {
    async add(item) {
      while (queue.length >= o.maxQueued) await new Promise<void>((resolve) => waitingForRoom.push(resolve));
      queue.push(item);
      if (queue.length >= minBatch) wakeWriter?.();
      start();
    },
    async drain() {
      draining = true;
      wakeWriter?.();
      try {
        while (writing) await writing;
      } finally {
        draining = false;
      }
    },
  };
}
