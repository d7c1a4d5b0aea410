// One scheduler for every wall-clock timer of every room (ARCHITECTURE: a min-heap keyed by
// deadline). It keeps the earliest deadline per room, arms a single timer for the earliest of
// all, and asks the service to fire a room when its deadline comes.
import type { Clock } from '../ports/clock.js';
import type { Timers } from '../ports/timers.js';

interface Slot {
  at: number;
  roomId: string;
}

export class TimerScheduler {
  private readonly heap: Slot[] = [];
  private readonly earliest = new Map<string, number>();
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
    push(this.heap, { at, roomId });
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
    const top = this.peek();
    if (!top || (this.armedAt !== null && this.armedAt <= top.at)) return;
    if (this.handle !== null) this.timers.cancel(this.handle);
    this.armedAt = top.at;
    // Node timers cap at about 24.8 days; longer waits re-arm on the way.
    const delay = Math.min(Math.max(0, top.at - this.clock.now()), 2 ** 31 - 1);
    this.handle = this.timers.set(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.handle = null;
    this.armedAt = null;
    const now = this.clock.now();
    for (let top = this.peek(); top && top.at <= now; top = this.peek()) {
      pop(this.heap);
      this.earliest.delete(top.roomId);
      this.fireRoom(top.roomId);
    }
    this.arm();
  }

  // Drop heap slots superseded by an earlier deadline for the same room.
  private peek(): Slot | undefined {
    while (this.heap.length && this.earliest.get(this.heap[0]!.roomId) !== this.heap[0]!.at) pop(this.heap);
    return this.heap[0];
  }
}

function push(heap: Slot[], slot: Slot): void {
  heap.push(slot);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.at <= heap[i]!.at) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function pop(heap: Slot[]): Slot | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length && last) {
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]!.at < heap[m]!.at) m = l;
      if (r < heap.length && heap[r]!.at < heap[m]!.at) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  }
  return top;
}
