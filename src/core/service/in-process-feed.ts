// The change feed of a single process (SQLite, memory): every notice is delivered to this
// process's own subscribers, which ignore it as their own. It exists so one code path serves
// both stores, and so tests can join several service stacks on one shared store.
import type { ChangeFeed, ChangeNotice } from '../ports/change-feed.js';

export class InProcessChangeFeed implements ChangeFeed {
  private readonly subscribers = new Set<{ onNotice: (n: ChangeNotice) => void; onGap: () => void }>();

  constructor(readonly origin: string = 'local') {}

  publish(notice: ChangeNotice): void {
    for (const sub of [...this.subscribers]) sub.onNotice(notice);
  }

  subscribe(onNotice: (notice: ChangeNotice) => void, onGap: () => void): () => void {
    const sub = { onNotice, onGap };
    this.subscribers.add(sub);
    return () => void this.subscribers.delete(sub);
  }

  /** Tell every subscriber it may have missed notices (tests of the catch-up path). */
  gap(): void {
    for (const sub of [...this.subscribers]) sub.onGap();
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}
