// One scheduler for every wall-clock timer of every room (ARCHITECTURE: a min-heap keyed by
// deadline). It keeps the earliest deadline per room, arms a single timer for the earliest of
// all, and asks the service to fire a room when its deadline comes.
import type { Clock } from '../ports/clock.js';
import type { Timers } from '../ports/timers.js';
import { DeadlineHeap } from './deadline-heap.js';

export class TimerScheduler {
  private readonly earliest = new Map<string, number>();
  // Slots superseded by an earlier deadline for the same room are skipped lazily.
  private readonly heap = new DeadlineHeap<string>((roomId) => this.earliest.get(roomId) ?? null);
  private handle: unknown = null;
  private armedAt: number | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly fireRoom: (roomId: string) => void,
  ) {}

  /** Make sure the room is fired at `at` (earlier deadlines win; later ones are re-added after firing). */
  schedule(roomId: string, at: number): void {
    if (this.stopped) return;
    const current = this.earliest.get(roomId);
    if (current !== undefined && current <= at) return;
    this.earliest.set(roomId, at);
    this.heap.push(at, roomId);
    this.arm();
  }

  /** Rooms with a pending deadline (for tests and stats). */
  get size(): number {
    return this.earliest.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) this.timers.cancel(this.handle);
    this.handle = null;
  }

  private arm(): void {
    const top = this.heap.peek();
    if (top === null || (this.armedAt !== null && this.armedAt <= top)) return;
    if (this.handle !== null) this.timers.cancel(this.handle);
    this.armedAt = top;
    // Node timers cap at about 24.8 days; longer waits re-arm on the way.
    const delay = Math.min(Math.max(0, top - this.clock.now()), 2 ** 31 - 1);
    this.handle = this.timers.set(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.handle = null;
    this.armedAt = null;
    const now = this.clock.now();
    for (const roomId of this.heap.popDue(now)) {
      // A stale slot (superseded, or already fired) names a room that is not due now.
      const at = this.earliest.get(roomId);
      if (at === undefined || at > now) continue;
      this.earliest.delete(roomId);
      this.fireRoom(roomId);
    }
    this.arm();
  }
}
