// §1 block data model: semantic, floor, spine keys and the hidden directory.
import { describe, expect, it } from 'vitest';
import { floorDepth, hasFloor, hiddenDirectory, isSpineKey, semantic } from './block.js';

describe('the block model (§1)', () => {
  it.each([
    ['a string is its own meaning', 'leaf', 'leaf'],
    ['an object means its `_`', { _: 'x', 1: 'y' }, 'x'],
    ['the `_` chain is followed to its string', { _: { _: { _: 'deep' } } }, 'deep'],
    ['a headless underscore object has none', { _: { 1: 'y' } }, null],
    ['no `_`, no meaning', { 1: 'y' }, null],
    ['numbers carry no semantic', 5, null],
  ])('semantic: %s', (_what, node, expected) => {
    expect(semantic(node)).toBe(expected);
  });

  it.each([
    [{ _: 'identity' }, 1, true],
    [{ _: { _: { _: 'identity' } } }, 3, true],
    [{ 1: 'x' }, 0, false],
    [{ _: { 1: 'x' } }, 1, false],
    ['string', 0, false],
  ])('floorDepth(%j) = %i', (block, floor, floored) => {
    expect(floorDepth(block)).toBe(floor);
    expect(hasFloor(block)).toBe(floored);
  });

  it('spine keys are `_` and 1–9 only', () => {
    expect(['_', '1', '9'].every(isSpineKey)).toBe(true);
    expect(['0', '10', '_a', 'x', '', '__proto__'].some(isSpineKey)).toBe(false);
  });

  it('the hidden directory is the first `_` level with digits', () => {
    expect(hiddenDirectory({ _: { _: 'meaning', 1: 'sunstone:1.1', 2: 'https://x.y' }, 1: 'child' })).toEqual({ 1: 'sunstone:1.1', 2: 'https://x.y' });
    expect(hiddenDirectory({ _: { _: { _: 'm', 3: 'grain:p:1' } } })).toEqual({ 3: 'grain:p:1' });
    expect(hiddenDirectory({ _: 'plain', 1: 'child' })).toBeNull();
  });
});
