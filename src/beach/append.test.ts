// §11.6 append rows (A1–A17), owed summaries and §11.7 single-resolution rows (Q1–Q3), as data.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBeach } from './conformance/memory-beach.js';
import { firstFreeSlot, owedSummaries, zeroFreePath, zeroFreePaths } from './zero-free.js';

let beach: MemoryBeach;
beforeEach(() => {
  beach = new MemoryBeach();
});
const append = (name: string, content: unknown, extra: Record<string, unknown> = {}) => beach.post(name, { append: true, content, ...extra });
const appendMany = (name: string, n: number) => Array.from({ length: n }, (_, i) => append(name, `e${i + 1}`).body);

describe('root append (A1–A10, §3.4)', () => {
  it('A1: nine entries at 1…9', () => {
    expect(appendMany('log', 9).map((b) => [b.slot, b.supernested, b.floor])).toEqual(
      Array.from({ length: 9 }, (_, i) => [String(i + 1), false, 1]),
    );
    expect(beach.block('log')._).toBe('log at beach.example.com.');
  });

  it('A2: the tenth supernests', () => {
    appendMany('log', 9);
    expect(append('log', 'e10').body).toEqual({ ok: true, slot: '11', supernested: true, floor: 2, owed: [{ slot: '10', over: '1-9' }] });
    const block = beach.block('log');
    expect(block[1][1]).toBe('e10');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => block._[d])).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(beach.get('log', '1', '0').body.content).toBe('e1');
  });

  it('A3–A4: 12…19, 21, and the 91st at 111', () => {
    const acks = appendMany('log', 91);
    expect(acks.slice(10, 18).map((b) => b.slot)).toEqual(['12', '13', '14', '15', '16', '17', '18', '19']);
    expect(acks[18].slot).toBe('21');
    expect(acks[89].slot).toBe('99');
    expect(acks[90]).toMatchObject({ slot: '111', supernested: true, floor: 3 });
    expect(beach.block('log')._._[1]).toBe('e1');
  });

  it('A5–A6: field 3 is stamped unless it is already an ISO time', () => {
    append('marks', { _: 'm', 1: 'x', 3: 'not a date' });
    append('marks', { _: 'm', 1: 'weft', 3: '2026-05-16T10:30:00Z' });
    append('marks', 'a string passes');
    append('marks', ['an', 'array']);
    const block = beach.block('marks');
    expect(block[1][3]).toBe('2026-06-01T12:00:00.000Z');
    expect(block[2][3]).toBe('2026-05-16T10:30:00Z');
    expect([block[3], block[4]]).toEqual(['a string passes', ['an', 'array']]);
  });

  it('A7–A8: content required; a `_`-locked accumulator needs its secret', () => {
    expect(beach.post('log', { append: true })).toMatchObject({ status: 400, body: { code: 'invalid_shape', error: 'append requires content' } });
    beach.post('locked', { content: { _: 'L' }, new_lock: 'acc' });
    const refusal = 'append to "locked" requires the accumulator secret';
    expect(append('locked', 'x')).toMatchObject({ status: 403, body: { code: 'lock_required', error: refusal } });
    expect(append('locked', 'x', { secret: 'bad' })).toMatchObject({ status: 403, body: { error: refusal } });
    expect(append('locked', 'x', { secret: 'acc' }).body.slot).toBe('1');
  });

  it('per-digit locks do not govern root appends', () => {
    beach.post('log', { content: { _: 'L' } });
    beach.post('log', { spindle: '1', new_lock: 'mine' });
    expect(append('log', 'x').body.slot).toBe('1');
  });

  it('gaps left by deletions are reused (first-free, not high-water)', () => {
    appendMany('log', 4);
    beach.post('log', { content: { _: 'log at beach.example.com.', 1: 'e1', 3: 'e3', 4: 'e4' }, confirm: true });
    expect(append('log', 'again').body.slot).toBe('2');
  });

  it('A10: many appends get distinct slots, none lost', () => {
    const slots = appendMany('pool:x', 50).map((b) => b.slot);
    expect(new Set(slots).size).toBe(50);
  });

  it('A9: owed summaries over 82 entries, and paying one', () => {
    appendMany('log', 82);
    const owed = owedSummaries(beach.block('log'));
    expect(owed.map((o) => o.slot)).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90']);
    expect(owed.at(-1)).toEqual({ slot: '90', over: '81-89' });
    beach.post('log', { spindle: '10', content: 'summary of 1-9' });
    expect(owedSummaries(beach.block('log')).map((o) => o.slot)).not.toContain('10');
    expect(append('log', 'e83').body.owed.map((o: any) => o.slot)).not.toContain('10');
  });

  it('zero-free enumeration', () => {
    expect(zeroFreePath(0, 2)).toBe('11');
    expect(zeroFreePath(80, 2)).toBe('99');
    expect(zeroFreePaths(2)[9]).toBe('11');
    expect(zeroFreePaths(3)).toHaveLength(9 + 81 + 729);
    expect(firstFreeSlot({ _: 'x', 1: 'leaf' }, 2)).toBe('11');
    expect(firstFreeSlot({ _: 'x', 1: { 1: 'a' } }, 2)).toBe('12');
    expect(firstFreeSlot({ _: 'x' }, 0)).toBeNull();
  });
});

describe('node-scoped append (A11–A17, §3.5)', () => {
  const grain = () => {
    beach.post('grain:p', { action: 'reach', side: '1', agent_id: 'alice', description: 'd', my_side_content: 'alice here', my_passphrase: 'k1' });
    beach.post('grain:p', { action: 'reach', side: '2', agent_id: 'bob', my_side_content: 'bob here', my_passphrase: 'k2' });
  };

  it('A11–A12: beneath a grain side with the side key', () => {
    grain();
    expect(append('grain:p', 'first message', { spindle: '2', secret: 'k2' })).toEqual({ status: 200, body: { ok: true, slot: '1', address: '2.1', node: '2' } });
    expect(append('grain:p', 'second', { spindle: '2', secret: 'k2' }).body.address).toBe('2.2');
    expect(append('grain:p', 'x', { spindle: '2', secret: 'k1' })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
    expect(append('grain:p', 'x', { spindle: '2' })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
  });

  it('A13: the tenth is refused with the occupants (undated)', () => {
    grain();
    for (let i = 0; i < 9; i += 1) append('grain:p', `m${i}`, { spindle: '2', secret: 'k2' });
    const full = append('grain:p', 'tenth', { spindle: '2', secret: 'k2' });
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ code: 'node_full', node: '2', oldest: null });
    expect(full.body.slots.map((s: any) => s.address)).toEqual(['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9']);
  });

  it('A14: nine dated entries name the longest-standing', () => {
    grain();
    for (let i = 0; i < 9; i += 1) {
      beach.now += 1000;
      append('grain:p', { _: `m${i}` }, { spindle: '2', secret: 'k2' });
    }
    const full = append('grain:p', { _: 'tenth' }, { spindle: '2', secret: 'k2' });
    expect(full.body.oldest).toBe('2.1');
    expect(full.body.error).toContain('Longest-standing is 2.1');
  });

  it('A15–A16: missing node, leaf, unknown block, star, resolve_window, bad address', () => {
    beach.post('n', { content: { _: 'N', 2: { _: 'two', 4: 'leaf' } } });
    expect(append('n', 'x', { spindle: '5' })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(append('n', 'x', { spindle: '2.4' })).toMatchObject({ status: 409, body: { code: 'append_at_leaf' } });
    expect(append('nope', 'x', { spindle: '2' })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(append('n', 'x', { spindle: '2*' })).toMatchObject({ status: 400, body: { code: 'invalid_address' } });
    expect(append('n', 'x', { spindle: '2', resolve_window: 'w' })).toMatchObject({ status: 400, body: { code: 'invalid_shape' } });
    expect(append('n', 'x', { spindle: '1.2.3' })).toMatchObject({ status: 400, body: { code: 'invalid_address' } });
    expect(append('n', 'x', { spindle: '2' }).body).toEqual({ ok: true, slot: '1', address: '2.1', node: '2' });
  });

  it('A17: on a root-locked block the usual authority applies', () => {
    beach.post('r', { content: { _: 'R', 1: { _: 'one' }, 2: { _: 'two' } }, new_lock: 'root' });
    beach.post('r', { spindle: '2', new_lock: 'deleg', secret: 'root' });
    expect(append('r', 'x', { spindle: '1' }).status).toBe(403);
    expect(append('r', 'x', { spindle: '1', secret: 'root' }).body.address).toBe('1.1');
    expect(append('r', 'x', { spindle: '2', secret: 'root' }).status).toBe(403);
    expect(append('r', 'x', { spindle: '2', secret: 'deleg' }).status).toBe(200);
  });
});

describe('single resolution (Q1–Q3, §3.6)', () => {
  const stamp = '2026-01-01T00:00:00.000Z';
  beforeEach(() => {
    beach.post('liquid:pool:x', { content: { _: 'liquid', 1: { _: 'staged', 1: 'warp', 6: stamp } } });
    beach.post('pool:x', { content: { _: 'the pool' } });
  });

  it('Q1: a window that moved', () => {
    const r = append('pool:x', { _: 'outcome', 1: 'weft' }, { resolve_window: stamp, resolve_seen: '2025-12-31T00:00:00.000Z' });
    expect(r).toMatchObject({ status: 409, body: { ok: false, code: 'window_moved', window: stamp, buffer: beach.block('liquid:pool:x') } });
  });

  it('Q2–Q3: the first resolver wins and clears the liquid; the second is told who won', () => {
    const liquid = beach.block('liquid:pool:x');
    const won = append('pool:x', { _: 'outcome', 1: 'weft' }, { resolve_window: stamp, resolve_seen: stamp });
    expect(won.body).toMatchObject({ ok: true, slot: '1', cleared: liquid });
    expect(beach.block('liquid:pool:x')).toEqual({
      _: 'Liquid pre-commit buffer for liquid:pool:x (block-conventions:4.5) — one slot per author, overwriting; the social mirror of pending intentions before commit. Empty means no live window.',
    });
    const lost = append('pool:x', { _: 'another', 1: 'rival' }, { resolve_window: stamp });
    expect(lost).toMatchObject({ status: 409, body: { ok: false, code: 'window_already_resolved', window: stamp, resolved_by: 'weft' } });
    expect(lost.body.landed).toMatchObject({ slot: '1', entry: { _: 'outcome', 1: 'weft' } });
    expect(beach.block('pool:x')[2]).toBeUndefined();
  });
});
