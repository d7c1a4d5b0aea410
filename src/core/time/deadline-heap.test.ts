// Unit tests for the per-room deadline heap: lazy deletion, due keys without removal, popping,
// and compaction when stale slots pile up.
import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap.js';

function heapOver(deadlines: Map<string, number>) {
  return new DeadlineHeap<string>((key) => deadlines.get(key) ?? null);
}

describe('DeadlineHeap', () => {
  it('peeks the earliest live deadline, skipping slots whose key moved or left', () => {
    const live = new Map([['a', 30], ['b', 10], ['c', 20]]);
    const heap = heapOver(live);
    for (const [key, at] of live) heap.push(at, key);
    expect(heap.peek()).toBe(10);
    live.set('b', 40);
    heap.push(40, 'b');
    live.delete('c');
    expect(heap.peek()).toBe(30);
  });

  it('lists due keys once without removing them, visiting only slots that are due', () => {
    const live = new Map<string, number>();
    const heap = heapOver(live);
    for (let i = 0; i < 1000; i++) {
      live.set(`far${i}`, 1_000_000 + i);
      heap.push(1_000_000 + i, `far${i}`);
    }
    live.set('soon', 5).set('now', 7);
    heap.push(5, 'soon');
    heap.push(7, 'now');
    heap.push(7, 'now');
    let visited = 0;
    expect(heap.due(7, () => visited++).sort()).toEqual(['now', 'soon']);
    expect(visited).toBe(3);
    expect(heap.peek()).toBe(5);
    expect(heap.popDue(7).sort()).toEqual(['now', 'now', 'soon']);
    expect(heap.peek()).toBe(1_000_000);
  });

  it('compacts to the live keys when stale slots outnumber them', () => {
    const live = new Map([['a', 1]]);
    const heap = heapOver(live);
    for (let i = 0; i < 500; i++) {
      live.set('a', i + 1);
      heap.push(i + 1, 'a');
    }
    expect(heap.slots).toBe(500);
    heap.compact(live.size, () => live.keys());
    expect(heap.slots).toBe(1);
    expect(heap.peek()).toBe(500);
  });
});
