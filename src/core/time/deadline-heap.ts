// A min-heap of (deadline, key) with lazy deletion: a slot counts only while `current(key)` still
// returns its deadline, so re-scheduling a key just pushes a new slot. Used per room for pending
// timers and visibility boundaries, so a firing or a read looks only at what is due, never at
// every dormant timer. Pure.

interface Slot<K> {
  at: number;
  key: K;
}

export class DeadlineHeap<K> {
  private heap: Array<Slot<K>> = [];

  /** `current(key)` is the key's live deadline (null when it has none any more). */
  constructor(private readonly current: (key: K) => number | null) {}

  get slots(): number {
    return this.heap.length;
  }

  push(at: number, key: K): void {
    this.heap.push({ at, key });
    siftUp(this.heap, this.heap.length - 1);
  }

  /** The earliest live deadline, dropping stale slots on the way; `visit` counts slots looked at. */
  peek(visit: () => void = noop): number | null {
    while (this.heap.length) {
      visit();
      const top = this.heap[0]!;
      if (this.current(top.key) === top.at) return top.at;
      popTop(this.heap);
    }
    return null;
  }

  /** Remove and return the keys of every slot due at `now` (stale ones included; callers recheck). */
  popDue(now: number, visit: () => void = noop): K[] {
    const out: K[] = [];
    while (this.heap.length && this.heap[0]!.at <= now) {
      visit();
      out.push(popTop(this.heap)!.key);
    }
    return out;
  }

  /** The distinct live keys due at `now`, without removing them (only slots ≤ now are visited). */
  due(now: number, visit: () => void = noop): K[] {
    const out = new Set<K>();
    const stack = this.heap.length ? [0] : [];
    while (stack.length) {
      const i = stack.pop()!;
      const slot = this.heap[i]!;
      if (slot.at > now) continue;
      visit();
      if (this.current(slot.key) === slot.at) out.add(slot.key);
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < this.heap.length) stack.push(child);
    }
    return [...out];
  }

  /** Rebuild from the live keys when stale slots outnumber them, so memory follows the live count. */
  compact(live: number, keys: () => Iterable<K>): void {
    if (this.heap.length <= 2 * live + 64) return;
    const fresh: Array<Slot<K>> = [];
    for (const key of keys()) {
      const at = this.current(key);
      if (at !== null) fresh.push({ at, key });
    }
    this.heap = fresh;
    for (let i = (fresh.length >> 1) - 1; i >= 0; i--) siftDown(fresh, i);
  }
}

function noop(): void {}

function siftUp<K>(heap: Array<Slot<K>>, i: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.at <= heap[i]!.at) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function siftDown<K>(heap: Array<Slot<K>>, i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && heap[l]!.at < heap[m]!.at) m = l;
    if (r < heap.length && heap[r]!.at < heap[m]!.at) m = r;
    if (m === i) return;
    [heap[m], heap[i]] = [heap[i]!, heap[m]!];
    i = m;
  }
}

function popTop<K>(heap: Array<Slot<K>>): Slot<K> | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length && last) {
    heap[0] = last;
    siftDown(heap, 0);
  }
  return top;
}
