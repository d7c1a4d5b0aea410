// Hostile shapes cost work in proportion to the block, never to its floor or to the pscale asked:
// a deep `_` chain or a huge negative pscale must not stall the server (one request, one thread).
import { describe, expect, it } from 'vitest';
import { appendAtRoot } from './append.js';
import { F3 } from './conformance/fixtures.js';
import { bspRead } from './read.js';
import { owedSummaries } from './zero-free.js';

/** A block whose every property read (own-key check or get) is counted. */
function counted(value: unknown): { block: any; reads: () => number } {
  let reads = 0;
  const wrap = (v: unknown): unknown =>
    typeof v === 'object' && v !== null
      ? new Proxy(v, {
          get: (target, key, receiver) => {
            reads += 1;
            return wrap(Reflect.get(target, key, receiver));
          },
          getOwnPropertyDescriptor: (target, key) => {
            reads += 1;
            return Reflect.getOwnPropertyDescriptor(target, key);
          },
        })
      : v;
  return { block: wrap(value), reads: () => reads };
}

/** A block whose floor is `floor`: a `_` chain that deep, ending in the identity. */
const chain = (floor: number, identity: unknown = 'deep floor'): any => (floor === 0 ? identity : { _: chain(floor - 1, identity) });

describe('work bounds on hostile blocks', () => {
  it('owed summaries walk the containers that exist, not every path the floor allows', () => {
    const block = chain(6, { _: 'id', 1: 'e1' });
    (block as any)[1] = { _: 'voiced', 1: { 1: { 1: { 1: 'entry' } } } };
    const probe = counted(block);
    expect(owedSummaries(probe.block)).toEqual([]);
    expect(probe.reads()).toBeLessThan(2_000);
  });

  it('a root append to a block with a floor of 40 answers (first free slot, nothing owed)', () => {
    const appended = appendAtRoot(chain(40), 'entry', 'default');
    expect(appended).toMatchObject({ slot: '1'.repeat(40), supernested: false, floor: 40, owed: [] });
  });

  it('a descent far below the content stops where the content stops', () => {
    const read = bspRead(F3, '123.473', -Number.MAX_SAFE_INTEGER) as any;
    expect(read.shape).toBe('path-walk+descent');
    expect(read.descent).toEqual([]);
    expect((bspRead(F3, '123', -Number.MAX_SAFE_INTEGER) as any).descent.map((e: any) => e.content)).toEqual(['HEARTH', 'STOVE', 'BELLOWS', 'ASH PIT', 'POT-HOOK', 'IRON CHAIN']);
  });
});
