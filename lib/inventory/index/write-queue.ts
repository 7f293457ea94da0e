/**
 * Lets a sync's registry reads and its database writes overlap without letting memory grow: readers
 * hand finished repositories to `add`, which waits while `maxQueued` are already waiting; one writer
 * takes everything queued (up to `maxBatch`) per write. Batches size themselves: while one is being
 * written the next accumulates, so a slow database gets bigger, fewer transactions.
 */
export interface WriteQueue<T> {
  add(item: T): Promise<void>;
  /** resolves once everything added is written */
  drain(): Promise<void>;
}

export function createWriteQueue<T>(o: { maxBatch: number; maxQueued: number; write: (batch: T[]) => Promise<void> }): WriteQueue<T> {
  const queue: T[] = [];
  const waitingForRoom: (() => void)[] = [];
  let writing: Promise<void> | null = null;

  const loop = async () => {
    while (queue.length) {
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
      start();
    },
    async drain() {
      while (writing) await writing;
    },
  };
}
