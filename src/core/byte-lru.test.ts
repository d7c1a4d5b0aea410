// Unit tests for ByteLru: the accounted size never exceeds the bound, the least recently used
// entries go first, reading an entry keeps it, and oversized entries are not kept.
import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries once the bytes exceed the bound', () => {
    const lru = new ByteLru<string, number>(100);
    lru.set('a', 1, 40);
    lru.set('b', 2, 40);
    expect(lru.bytes).toBe(80);
    lru.set('c', 3, 40);
    expect(lru.bytes).toBe(80);
    expect(lru.has('a')).toBe(false);
    expect([...lru.keys()]).toEqual(['b', 'c']);
  });

  it('moves a read entry to the back, so it outlives entries written after it', () => {
    const lru = new ByteLru<string, number>(100);
    lru.set('a', 1, 30);
    lru.set('b', 2, 30);
    lru.set('c', 3, 30);
    expect(lru.get('a')).toBe(1);
    lru.set('d', 4, 30);
    expect([...lru.keys()]).toEqual(['c', 'a', 'd']);
    expect(lru.get('b')).toBeUndefined();
  });

  it('replaces an entry and its size, and does not keep one larger than the bound', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('a', 'x', 60);
    lru.set('a', 'y', 10);
    expect(lru.bytes).toBe(10);
    expect(lru.get('a')).toBe('y');
    lru.set('huge', 'z', 101);
    expect(lru.has('huge')).toBe(false);
    expect(lru.bytes).toBe(10);
  });

  it('keeps its accounting exact through deletes and many writes', () => {
    const lru = new ByteLru<number, number>(1000);
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, i, 1 + (i % 37));
      if (i % 3 === 0) lru.get(i - 5);
      if (i % 7 === 0) lru.delete(i - 2);
      expect(lru.bytes).toBeLessThanOrEqual(1000);
    }
    let sum = 0;
    for (const key of lru.keys()) sum += 1 + (key % 37);
    expect(lru.bytes).toBe(sum);
    lru.deleteWhere((v) => v % 2 === 0);
    expect([...lru.keys()].every((k) => k % 2 === 1)).toBe(true);
  });
});
