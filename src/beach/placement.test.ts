// §11.4 beach placement, shape gate and whole-block rows (H2–H22) through applyPost/applyGet.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBeach } from './conformance/memory-beach.js';
import { surfaceIndex } from './surface-index.js';

let beach: MemoryBeach;
beforeEach(() => {
  beach = new MemoryBeach();
});

const err = (status: number, code: string, error?: string) => ({ status, body: expect.objectContaining({ code, ...(error ? { error, message: error } : {}) }) });

describe('surface index and reads (H1–H13)', () => {
  it('H1: the empty surface', () => {
    expect(surfaceIndex('beach.example.com', [])).toEqual({
      _: "URL surface at beach.example.com. Named sibling blocks listed below; address each via ?block=<name>. Substrate-wide conventions at bsp(agent_id='pscale', block='block-conventions').",
      origin: 'beach.example.com',
      blocks: [],
    });
    expect(surfaceIndex('o', ['b', 'a', 'b'], { a: 10, b: 0 })).toMatchObject({ blocks: ['a', 'b'], bytes: { a: 10 } });
  });

  it('H2: an absent block is 404', () => {
    expect(beach.get('nope')).toEqual({ status: 404, body: { error: 'block "nope" not found', code: 'not_found', message: 'block "nope" not found' } });
  });

  it('H3: no block name', () => {
    expect(beach.post('', { content: 'x' })).toEqual(err(400, 'invalid_shape', 'block name required (pass ?block=<name> or "block" in body)'));
  });

  it('H4–H13 in sequence', () => {
    expect(beach.post('a', { content: { 1: 'x' } })).toEqual(err(400, 'no_floor'));
    expect(beach.post('a', { content: { _: 'A block', 1: 'one' } })).toEqual({ status: 200, body: { ok: true } });
    expect(beach.post('a', { content: { _: 'A2' } })).toEqual(err(400, 'confirm_required', 'whole-block replace requires {confirm: true}'));
    expect(beach.post('a', { content: { _: 'A2', 1: 'one' }, confirm: true }).status).toBe(200);
    expect(beach.post('a', { spindle: '2.3', content: 'deep' }).status).toBe(200);
    expect(beach.get('a').body).toEqual({ _: 'A2', 1: 'one', 2: { 3: 'deep' } });
    expect(beach.get('a', '2')).toEqual({ status: 200, body: { 3: 'deep' } });
    expect(beach.get('a', '9')).toEqual({ status: 200, body: null });
    expect(beach.get('a', '1.2.3')).toEqual(err(400, 'invalid_address'));
    expect(beach.get('a', undefined, 'x')).toEqual(err(400, 'invalid_pscale', '?pscale=x is not an integer'));
    expect(beach.get('a', '2', '-1').body).toEqual({
      shape: 'path-walk+descent',
      floor: 1,
      spindle: '2',
      pscale: -1,
      path_walk: [{ address: '2', depth: 1, pscale: 0, content: null }],
      descent: [{ address: '2.3', depth: 2, pscale: -1, content: 'deep' }],
    });
    expect(beach.get('a', '2*').body).toEqual({ shape: 'star', floor: 1, spindle: '2*', semantic: null, inner: null });
  });
});

describe('placement (H14–H22, §3.3)', () => {
  it('H14–H15: subnest then voicing', () => {
    beach.post('a', { content: { _: 'A', 1: 'one' } });
    beach.post('a', { spindle: '1.1', content: 'child' });
    expect(beach.block('a')[1]).toEqual({ _: 'one', 1: 'child' });
    beach.post('a', { spindle: '1', content: 're-voiced' });
    expect(beach.block('a')[1]).toEqual({ _: 're-voiced', 1: 'child' });
  });

  it('H16: a spindled write seeds an absent block with its default identity', () => {
    expect(beach.post('marks', { spindle: '1', content: { _: 'hand placed' } }).status).toBe(200);
    expect(beach.block('marks')).toEqual({
      _: 'Marks at beach.example.com. Open stigmergy — each digit-path slot is one contribution (block-conventions:9).',
      1: { _: 'hand placed' },
    });
    beach.post('presence', { spindle: '1', content: 'x' });
    beach.post('liquid:pool', { spindle: '1', content: 'x' });
    beach.post('notes:weft', { spindle: '1', content: 'x' });
    expect(beach.block('presence')._).toBe('Presence at beach.example.com. One slot per agent, heartbeat-overwritten (block-conventions:4.6).');
    expect(beach.block('liquid:pool')._).toBe('Liquid composition buffer at beach.example.com. Pre-commit slots (block-conventions:4.5).');
    expect(beach.block('notes:weft')._).toBe('notes:weft at beach.example.com.');
  });

  it.each([
    ['H17', { _: 'x', _extra: 'y' }, 'invalid key "_extra" — pscale spine accepts only "_" and single digits 1-9 at each level'],
    ['H18', '{"_":"x"}', 'invalid value at "<root>" — JSON-stringified object; write the structure directly, not as a string'],
    ['H19', { _: 'x', 10: 'y' }, 'invalid key "10" —'],
    ['nested path', { _: 'x', 1: { 2: '[1,2]' } }, 'invalid value at "1.2" — JSON-stringified array'],
    ['prototype key', JSON.parse('{"_":"x","__proto__":{"_":"y"}}'), 'invalid key "__proto__"'],
    ['array element', { _: 'x', 1: [{ a: 1 }] }, 'invalid key "1[0].a"'],
  ])('%s: the shape gate refuses', (_id, content, message) => {
    const result = beach.post('a', { content, confirm: true });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_shape');
    expect(result.body.error).toContain(message);
  });

  it('the gate lets numbers, booleans, null, arrays and plain strings through', () => {
    expect(beach.post('a', { content: { _: 'x', 1: 3, 2: true, 3: null, 4: ['a', 1], 5: '{', 6: ' [ not json' } }).status).toBe(200);
  });

  const accumulator = () => {
    for (let i = 0; i < 10; i += 1) beach.post('log', { append: true, content: `e${i + 1}` });
    return beach.block('log');
  };

  it('H20: "10" voices container 1 and leaves its entries and the next slot alone', () => {
    accumulator();
    beach.post('log', { spindle: '10', content: 'SUMMARY' });
    expect(beach.block('log')[1]).toEqual({ _: 'SUMMARY', 1: 'e10' });
    expect(beach.post('log', { append: true, content: 'e11' }).body.slot).toBe('12');
  });

  it('H21: "0" re-voices the identity under the ladder', () => {
    accumulator();
    beach.post('log', { spindle: '0', content: 're-voiced id' });
    const block = beach.block('log');
    expect(block._._).toBe('re-voiced id');
    expect(Object.keys(block._).filter((k) => k !== '_')).toHaveLength(9);
  });

  it('H22: an object at "10" replaces the container outright', () => {
    accumulator();
    beach.post('log', { spindle: '10', content: { _: 'REBUILT', 1: 'only-child' } });
    expect(beach.block('log')[1]).toEqual({ _: 'REBUILT', 1: 'only-child' });
  });

  it('a spindle that is only "*" is a silent no-op', () => {
    beach.post('a', { content: { _: 'A' } });
    expect(beach.post('a', { spindle: '*', content: 'x' })).toEqual({ status: 200, body: { ok: true } });
    expect(beach.block('a')).toEqual({ _: 'A' });
  });

  it('a write at "0" that leaves the root headless is healed with the default identity', () => {
    beach.post('a', { content: { _: 'A' } });
    beach.post('a', { spindle: '0', content: { 1: 'x' } });
    expect(beach.block('a')).toEqual({ _: { _: 'a at beach.example.com.', 1: 'x' } });
  });

  it('bad bodies get a 400, never a crash', () => {
    expect(beach.post('a', 'text').body.code).toBe('invalid_shape');
    expect(beach.post('a', [1]).body.code).toBe('invalid_shape');
    expect(beach.post('a', { spindle: {}, content: 'x' }).body.code).toBe('invalid_address');
    expect(beach.post('a', { spindle: '1', content: 'x', secret: 5 }).body.code).toBe('invalid_shape');
    expect(beach.post('a', { spindle: '1', new_lock: 5 }).body.code).toBe('invalid_shape');
    expect(beach.post('constructor', { spindle: '1', content: 'x' }).status).toBe(200);
  });

  it('the presence block sweeps entries older than 60 s on save', () => {
    const stale = { _: 'old', 1: 'weft', 2: '', 3: '2026-06-01T11:58:00.000Z' };
    const fresh = { _: 'new', 1: 'warp', 2: '', 3: '2026-06-01T11:59:30.000Z' };
    const mark = { _: 'a mark', 1: 'fenn', 2: '', 3: '2026-06-01T10:00:00.000Z', 4: 'character' };
    beach.post('presence', { content: { _: 'P', 1: stale, 2: fresh, 3: mark, 4: { 1: stale } } });
    expect(beach.block('presence')).toEqual({ _: 'P', 2: fresh, 3: mark });
  });
});

describe('hostile input', () => {
  it('a spindle deeper than 256 levels is refused, and its echo is cut short', () => {
    beach.post('a', { content: { _: 'A' } });
    const r = beach.post('a', { spindle: '1'.repeat(100_000), content: 'x' });
    expect(r).toMatchObject({ status: 400, body: { code: 'invalid_address' } });
    expect(r.body.error.length).toBeLessThan(200);
    expect(beach.post('a', { spindle: '1'.repeat(256), content: 'deep but fine' }).status).toBe(200);
    expect(beach.post('a', { spindle: 'x'.repeat(100_000), content: 'x' }).body.error.length).toBeLessThan(200);
  });

  it('content nested beyond 256 levels is refused before anything copies it', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50_000; i += 1) deep = { 1: deep };
    expect(beach.post('a', { content: { _: 'A', 1: deep } })).toMatchObject({ status: 400, body: { code: 'invalid_shape' } });
    let fine: unknown = 'leaf';
    for (let i = 0; i < 200; i += 1) fine = { 1: fine };
    expect(beach.post('a', { content: { _: 'A', 1: fine } }).status).toBe(200);
  });
});
