/**
 * Group commit: callers submit items one at a time; whenever no flush is running, every
 * item queued so far goes to one flush (one write + one fsync for the whole batch). Items
 * submitted during a flush wait for the next one, so under load batches grow by themselves
 * and the fsync rate stays bounded while each caller still waits for its own durability.
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running: Promise<void> | undefined;
  private flushes = 0;

  /** `flush` gets the batch in submission order and returns one result per item. */
  constructor(
    private readonly flush: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxBatch = 10_000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Batches flushed so far (each one write + one fsync). */
  get flushCount(): number {
    return this.flushes;
  }

  /** Resolves when the queue is empty and no flush runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Rejects everything queued and not yet flushing. */
  rejectQueued(error: unknown): void {
    for (const q of this.queue.splice(0)) q.reject(error);
  }

  private async drain(): Promise<void> {
    // Let the rest of the current tick submit too, so a burst starts as one batch.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.flushes += 1;
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i] as R));
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
