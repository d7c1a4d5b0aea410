// §11.3 client-write rows (W1–W10) and the §3.1 examples, as data.
import { describe, expect, it } from 'vitest';
import { bspWrite } from './client-write.js';
import { formatWrite } from './render.js';

describe('bspWrite (§3.1)', () => {
  const rows: Array<{ id: string; block: any; S: string | null; P: number | null; content: unknown; shape: string; after: unknown }> = [
    { id: 'W1', block: { _: 'test', 1: 'original' }, S: '1', P: null, content: 'updated', shape: 'point', after: { _: 'test', 1: 'updated' } },
    {
      id: 'W2',
      block: { _: 'parent', 1: { _: 'first child', 9: 'pre-existing' } },
      S: '1',
      P: -1,
      content: { 1: 'a', 2: 'b', 3: 'c' },
      shape: 'path-walk+descent',
      after: { _: 'parent', 1: { 1: 'a', 2: 'b', 3: 'c' } },
    },
    {
      id: 'W3',
      block: { _: 'root', 2: { _: 'old', 1: 'a' } },
      S: '2',
      P: -3,
      content: { _: 'new', 1: 'x', 2: 'y' },
      shape: 'path-walk+descent',
      after: { _: 'root', 2: { _: 'new', 1: 'x', 2: 'y' } },
    },
    { id: 'W4', block: { _: 'r' }, S: '3', P: null, content: { _: 'three' }, shape: 'path-walk+descent', after: { _: 'r', 3: { _: 'three' } } },
    { id: 'W5', block: { _: 'r', 1: 'leaf' }, S: '1.1', P: null, content: 'deeper', shape: 'point', after: { _: 'r', 1: { _: 'leaf', 1: 'deeper' } } },
    { id: 'W6', block: { _: 'r', 1: { _: 'old', 1: 'k' } }, S: '1', P: null, content: 'new', shape: 'point', after: { _: 'r', 1: { _: 'new', 1: 'k' } } },
    {
      id: 'W9',
      block: { _: 'r' },
      S: null,
      P: 0,
      content: [
        { address: '1', content: 'a' },
        { address: '2.1', content: 'b' },
      ],
      shape: 'disc',
      after: { _: 'r', 1: 'a', 2: { 1: 'b' } },
    },
    { id: 'W9 sparse', block: { _: 'r', 1: { _: 'x', 1: 'kid' } }, S: null, P: 0, content: { 1: 'a' }, shape: 'disc', after: { _: 'r', 1: 'a' } },
    { id: 'whole block', block: { _: 'r', 1: 'x' }, S: null, P: null, content: { _: 'fresh' }, shape: 'block', after: { _: 'fresh' } },
    { id: 'point above the terminus', block: { _: 'r', 1: { _: 'one', 2: 'two' } }, S: '1.2', P: 0, content: 'ONE', shape: 'point', after: { _: 'r', 1: { _: 'ONE', 2: 'two' } } },
    {
      id: 'star write',
      block: { _: 'r', 7: { _: 'seven' } },
      S: '7*',
      P: 0,
      content: { 1: 'sunstone:1.1' },
      shape: 'star',
      after: { _: 'r', 7: { _: { _: 'seven', 1: 'sunstone:1.1' } } },
    },
  ];
  it.each(rows)('$id', ({ block, S, P, content, shape, after }) => {
    const before = JSON.stringify(block);
    const result = bspWrite(block, S, P, content);
    expect(result.shape).toBe(shape);
    expect(result.block).toEqual(after);
    expect(JSON.stringify(block)).toBe(before);
  });

  it.each([
    ['W7', { _: 'r' }, '1', 0, { x: 1 }, 'Point write requires a string payload (got object)'],
    ['W8', { _: 'r' }, null, null, 'text', 'Whole-block write requires an object payload'],
    ['subtree', { _: 'r' }, '1', -1, 'text', 'Subtree (path-walk+descent) write requires an object payload'],
    ['disc', { _: 'r' }, null, 0, 'text', 'Disc write requires array of {address, content} or sparse object'],
    ['star on a leaf', { _: 'r', 7: 'leaf' }, '7*', null, {}, 'Star write: terminus at "7*" is not an object'],
  ])('%s refused', (_id, block, S, P, content, message) => {
    expect(() => bspWrite(block, S as string | null, P as number | null, content)).toThrow(message);
  });

  it('W10: a JSON-looking string is stored as a leaf with a warning', () => {
    const result = bspWrite({ _: 'r' }, '1', null, '{"a":1}');
    expect(result.block).toEqual({ _: 'r', 1: '{"a":1}' });
    expect(result.warning).toMatch(/^Stored as a string-leaf at "1"\. The content parses as JSON/);
    expect(formatWrite({ shape: result.shape, spindle: '1', warning: result.warning })).toMatch(/^\[wrote point @ "1"\]\n\[warning\] Stored as/);
  });

  it('formatWrite inserts pscale when given', () => {
    expect(formatWrite({ shape: 'path-walk+descent', spindle: '3', pscale: -1 })).toBe('[wrote path-walk+descent @ "3" pscale -1]');
  });
});
