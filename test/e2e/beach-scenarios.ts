// bsp-beach §11.4–11.8 rows that a client can see over HTTP, as request/answer data (origin
// beach.example.com, clock at 2026-06-01T12:00:00.000Z). Run by beach-wire.test.ts.
import { expect } from 'vitest';
import type { Step } from '../support/beach-client.js';

const post = (block: string, body: unknown, status: number, expected: { body?: unknown; has?: unknown } = {}): Step => ({ req: ['POST', block, body], status, ...expected });
const get = (block: string, query: Record<string, string>, status: number, expected: { body?: unknown; has?: unknown } = {}): Step => ({ req: ['GET', block, query], status, ...expected });
const del = (block: string, body: unknown, status: number, expected: { body?: unknown; has?: unknown } = {}): Step => ({ req: ['DELETE', block, body], status, ...expected });
const ok = { body: { ok: true } };
const code = (c: string, error?: string) => ({ has: { code: c, ...(error === undefined ? {} : { error, message: error }) } });
const append = (block: string, content: unknown, extra: Record<string, unknown> = {}) => ({ append: true, content, ...extra });
const appends = (block: string, n: number): Step[] => Array.from({ length: n }, (_, i) => post(block, append(block, `e${i + 1}`), 200));

const GRAIN = 'grain:cb3a563919939643';
const reach = (side: unknown, agent: string, content: string, passphrase: string, extra: Record<string, unknown> = {}) => ({
  action: 'reach', side, agent_id: agent, my_side_content: content, my_passphrase: passphrase, ...extra,
});
const register = (fields: Record<string, unknown>) => ({ action: 'register', ...fields });
const LIQUID_BASE = 'Liquid pre-commit buffer for liquid:pool:w (block-conventions:4.5) — one slot per author, overwriting; the social mirror of pending intentions before commit. Empty means no live window.';

export const SCENARIOS: Array<[string, Step[]]> = [
  ['H2–H13: reads, the whole-block rules, raw nodes and shaped reads', [
    get('nope', {}, 404, { body: { error: 'block "nope" not found', code: 'not_found', message: 'block "nope" not found' } }),
    post('', { content: 'x' }, 400, code('invalid_shape', 'block name required (pass ?block=<name> or "block" in body)')),
    post('a', { content: { 1: 'x' } }, 400, code('no_floor')),
    post('a', { content: { _: 'A block', 1: 'one' } }, 200, ok),
    post('a', { content: { _: 'A2' } }, 400, code('confirm_required', 'whole-block replace requires {confirm: true}')),
    post('a', { content: { _: 'A2', 1: 'one' }, confirm: true }, 200, ok),
    post('a', { spindle: '2.3', content: 'deep' }, 200, ok),
    get('a', {}, 200, { body: { _: 'A2', 1: 'one', 2: { 3: 'deep' } } }),
    get('a', { spindle: '2' }, 200, { body: { 3: 'deep' } }),
    get('a', { spindle: '9' }, 200, { body: null }),
    get('a', { spindle: '1.2.3' }, 400, code('invalid_address')),
    get('a', { pscale: 'x' }, 400, { body: { error: '?pscale=x is not an integer', code: 'invalid_pscale', message: '?pscale=x is not an integer' } }),
    get('a', { spindle: '2', pscale: '-1' }, 200, {
      body: { shape: 'path-walk+descent', floor: 1, spindle: '2', pscale: -1, path_walk: [{ address: '2', depth: 1, pscale: 0, content: null }], descent: [{ address: '2.3', depth: 2, pscale: -1, content: 'deep' }] },
    }),
    get('a', { spindle: '2*' }, 200, { body: { shape: 'star', floor: 1, spindle: '2*', semantic: null, inner: null } }),
  ]],
  ['H14–H15: subnest then voicing', [
    post('a', { content: { _: 'A', 1: 'one' } }, 200),
    post('a', { spindle: '1.1', content: 'child' }, 200),
    get('a', { spindle: '1' }, 200, { body: { _: 'one', 1: 'child' } }),
    post('a', { spindle: '1', content: 're-voiced' }, 200),
    get('a', { spindle: '1' }, 200, { body: { _: 're-voiced', 1: 'child' } }),
  ]],
  ['H16: a spindled write seeds an absent block with its default identity', [
    post('marks', { spindle: '1', content: { _: 'hand placed' } }, 200, ok),
    get('marks', {}, 200, { body: { _: 'Marks at beach.example.com. Open stigmergy — each digit-path slot is one contribution (block-conventions:9).', 1: { _: 'hand placed' } } }),
  ]],
  ['H17–H19: the shape gate', [
    post('a', { content: { _: 'x', _extra: 'y' } }, 400, { has: { code: 'invalid_shape', error: expect.stringContaining('invalid key "_extra" — pscale spine accepts only "_" and single digits 1-9 at each level') } }),
    post('a', { content: '{"_":"x"}' }, 400, { has: { code: 'invalid_shape', error: 'invalid value at "<root>" — JSON-stringified object; write the structure directly, not as a string' } }),
    post('a', { content: { _: 'x', 10: 'y' } }, 400, { has: { code: 'invalid_shape', error: expect.stringContaining('invalid key "10" —') } }),
    get('a', {}, 404),
  ]],
  ['H20: "10" voices container 1 of a floor-2 accumulator; the next slot is unaffected', [
    ...appends('log', 10),
    post('log', { spindle: '10', content: 'SUMMARY' }, 200, ok),
    get('log', { spindle: '10' }, 200, { body: { _: 'SUMMARY', 1: 'e10' } }),
    post('log', append('log', 'e11'), 200, { has: { slot: '12' } }),
  ]],
  ['H21: "0" re-voices the identity under the ladder', [
    ...appends('log', 10),
    post('log', { spindle: '0', content: 're-voiced id' }, 200, ok),
    get('log', { spindle: '0' }, 200, { body: { _: 're-voiced id', 1: 'e1', 2: 'e2', 3: 'e3', 4: 'e4', 5: 'e5', 6: 'e6', 7: 'e7', 8: 'e8', 9: 'e9' } }),
  ]],
  ['H22: an object at "10" replaces the container outright', [
    ...appends('log', 10),
    post('log', { spindle: '10', content: { _: 'REBUILT', 1: 'only-child' } }, 200, ok),
    get('log', { spindle: '10' }, 200, { body: { _: 'REBUILT', 1: 'only-child' } }),
  ]],
  ['L1–L2: lock on creation, then a keyless replace is refused', [
    post('s', { content: { _: 'scratch' }, new_lock: 'alpha', confirm: true }, 200, ok),
    post('s', { content: { _: 'clobber' }, confirm: true }, 403, code('lock_required', 'position "_" of "s" is locked, secret required')),
    post('s', { content: { _: 'mine' }, confirm: true, secret: 'alpha' }, 200, ok),
  ]],
  ['L3–L8: homestead, write, rotate, relinquish a digit', [
    post('o', { content: { _: 'open' } }, 200),
    post('o', { spindle: '1', new_lock: 'beta' }, 200, ok),
    post('o', { spindle: '1', content: 'g' }, 403, code('lock_required')),
    post('o', { spindle: '1', content: 'g', secret: 'wrong' }, 403, code('lock_required', 'secret does not match')),
    post('o', { spindle: '1', content: 'g', secret: 'beta' }, 200, ok),
    post('o', { spindle: '1', new_lock: 'gamma', secret: 'beta' }, 200, ok),
    post('o', { spindle: '1', content: 'h', secret: 'beta' }, 403, code('lock_required')),
    post('o', { spindle: '1', content: 'h', secret: 'gamma' }, 200, ok),
    post('o', { spindle: '1', new_lock: null, secret: 'beta' }, 403, code('lock_required', 'lock rotation requires current secret')),
    post('o', { spindle: '1', new_lock: '' }, 403, code('lock_required', 'lock rotation requires current secret')),
    post('o', { spindle: '1', new_lock: null, secret: 'gamma' }, 200, ok),
    post('o', { spindle: '1', content: 'anyone' }, 200, ok),
    post('o', { spindle: '1', new_lock: null }, 200, ok),
    post('o', { spindle: '1', new_lock: '' }, 200, ok),
  ]],
  ['L9–L15: root inheritance, delegation, inherited relinquish, root relinquish, combo', [
    post('root', { content: { _: 'R', 1: 'one', 2: 'two' }, new_lock: 'root' }, 200),
    post('root', { spindle: '1', content: 'hijack' }, 403, code('lock_required', 'position "1" of "root" inherits the lock at its root, secret required')),
    post('root', { spindle: '12', content: 'hijack' }, 403, code('lock_required')),
    post('root', { spindle: '1', content: 'x', secret: 'root' }, 200, ok),
    post('root', { spindle: '2', new_lock: 'deleg', secret: 'root' }, 200, ok),
    post('root', { spindle: '2', content: 'd', secret: 'deleg' }, 200, ok),
    post('root', { spindle: '2', content: 'r', secret: 'root' }, 403, code('lock_required')),
    post('root', { spindle: '1', new_lock: null, secret: 'root' }, 409, code('inherited_lock')),
    post('root', { new_lock: null, secret: 'root' }, 200, ok),
    post('root', { spindle: '1', content: 'open now' }, 200, ok),
    post('root', { spindle: '2', content: 'no' }, 403, code('lock_required')),
    post('root', { spindle: '2', new_lock: 'eps', secret: 'deleg' }, 200),
    post('root', { spindle: '2', content: 'final', secret: 'eps', new_lock: null }, 200, ok),
    get('root', { spindle: '2' }, 200, { body: 'final' }),
    post('root', { spindle: '2', content: 'anyone' }, 200, ok),
  ]],
  ['L16–L18: substrate relinquish, relinquish and lock-only on absent blocks', [
    post('sed:x', { spindle: '1', new_lock: '' }, 405, code('invalid_shape')),
    post(GRAIN, { new_lock: null }, 405, code('invalid_shape')),
    post('ghost', { spindle: '1', new_lock: null }, 200, ok),
    get('ghost', {}, 404),
    post('later', { new_lock: 'g' }, 200, ok),
    get('later', {}, 404),
    post('later', { content: { _: 'born' } }, 403, code('lock_required')),
    post('later', { content: { _: 'born' }, secret: 'g' }, 200, ok),
    get('later', {}, 200, { body: { _: 'born' } }),
  ]],
  ['A1–A3: nine root appends, the tenth supernests, then 12…19 and 21', [
    ...Array.from({ length: 9 }, (_, i) => post('log', append('log', `e${i + 1}`), 200, { body: { ok: true, slot: String(i + 1), supernested: false, floor: 1 } })),
    post('log', append('log', 'e10'), 200, { body: { ok: true, slot: '11', supernested: true, floor: 2, owed: [{ slot: '10', over: '1-9' }] } }),
    get('log', { spindle: '11' }, 200, { body: 'e10' }),
    get('log', { spindle: '0' }, 200, { has: { 1: 'e1', 9: 'e9' } }),
    ...['12', '13', '14', '15', '16', '17', '18', '19', '21'].map((slot, i) => post('log', append('log', `e${11 + i}`), 200, { has: { slot } })),
  ]],
  ['A5–A8: stamping field 3, content required, the accumulator secret', [
    post('marks', append('marks', { _: 'm', 1: 'x', 3: 'not a date' }), 200, { has: { slot: '1' } }),
    post('marks', append('marks', { _: 'm', 1: 'weft', 3: '2026-05-16T10:30:00Z' }), 200, { has: { slot: '2' } }),
    get('marks', { spindle: '1.3' }, 200, { body: '2026-06-01T12:00:00.000Z' }),
    get('marks', { spindle: '2.3' }, 200, { body: '2026-05-16T10:30:00Z' }),
    post('log', { append: true }, 400, code('invalid_shape', 'append requires content')),
    post('locked', { content: { _: 'L' }, new_lock: 'acc' }, 200),
    post('locked', append('locked', 'x'), 403, code('lock_required', 'append to "locked" requires the accumulator secret')),
    post('locked', append('locked', 'x', { secret: 'acc' }), 200, { has: { slot: '1' } }),
  ]],
  ['A11–A16: node-scoped appends beneath a grain side, full nodes, bad spindles', [
    post(GRAIN, reach('1', 'alice', 'a', 'k1'), 200),
    post(GRAIN, reach('2', 'bob', 'b', 'k2'), 200),
    post(GRAIN, append(GRAIN, 'first message', { spindle: '2', secret: 'k2' }), 200, { body: { ok: true, slot: '1', address: '2.1', node: '2' } }),
    post(GRAIN, append(GRAIN, 'second', { spindle: '2', secret: 'k2' }), 200, { has: { address: '2.2' } }),
    post(GRAIN, append(GRAIN, 'forged', { spindle: '2', secret: 'k1' }), 403, code('lock_required')),
    post(GRAIN, append(GRAIN, 'anon', { spindle: '2' }), 403, code('lock_required')),
    ...Array.from({ length: 7 }, (_, i) => post(GRAIN, append(GRAIN, `m${i + 3}`, { spindle: '2', secret: 'k2' }), 200)),
    post(GRAIN, append(GRAIN, 'tenth', { spindle: '2', secret: 'k2' }), 409, { has: { code: 'node_full', node: '2', oldest: null } }),
    post(GRAIN, append(GRAIN, 'x', { spindle: '5', secret: 'k2' }), 404, code('not_found')),
    post(GRAIN, append(GRAIN, 'x', { spindle: '2.4', secret: 'k2' }), 409, code('append_at_leaf')),
    post('unknown', append('unknown', 'x', { spindle: '1' }), 404, code('not_found')),
    post(GRAIN, append(GRAIN, 'x', { spindle: '2*' }), 400, code('invalid_address')),
    post(GRAIN, append(GRAIN, 'x', { spindle: '2', resolve_window: 'w' }), 400, code('invalid_shape')),
    post(GRAIN, append(GRAIN, 'x', { spindle: '1.2.3' }), 400, code('invalid_address')),
  ]],
  ['A17: node appends on a root-locked ordinary block follow the lock rules', [
    post('acc', { content: { _: 'R', 1: { _: 'one' }, 2: { _: 'two' } }, new_lock: 'root' }, 200),
    post('acc', { spindle: '2', new_lock: 'deleg', secret: 'root' }, 200),
    post('acc', append('acc', 'x', { spindle: '1' }), 403, code('lock_required')),
    post('acc', append('acc', 'x', { spindle: '1', secret: 'root' }), 200, { body: { ok: true, slot: '1', address: '1.1', node: '1' } }),
    post('acc', append('acc', 'x', { spindle: '2', secret: 'root' }), 403, code('lock_required')),
    post('acc', append('acc', 'y', { spindle: '2', secret: 'deleg' }), 200, { has: { address: '2.1' } }),
  ]],
  ['A4: the 91st root append lands at 111 on floor 3', [
    ...appends('log', 90),
    post('log', append('log', 'e91'), 200, { has: { slot: '111', supernested: true, floor: 3 } }),
    get('log', { spindle: '001' }, 200, { body: 'e1' }),
  ]],
  ['Q1–Q3: one resolution per window', [
    post('liquid:pool:w', { content: { _: 'liquid', 1: { _: 'intent', 1: 'fenn', 6: '2026-01-01T00:00:00.000Z' } } }, 200),
    post('pool:w', append('pool:w', { _: 'resolved', 1: 'first' }, { resolve_window: '2026-01-01T00:00:00.000Z', resolve_seen: '2025-12-31T00:00:00.000Z' }), 409, {
      has: { ok: false, code: 'window_moved', window: '2026-01-01T00:00:00.000Z', buffer: { _: 'liquid', 1: { _: 'intent', 1: 'fenn', 6: '2026-01-01T00:00:00.000Z' } } },
    }),
    post('pool:w', append('pool:w', { _: 'resolved', 1: 'first' }, { resolve_window: '2026-01-01T00:00:00.000Z', resolve_seen: '2026-01-01T00:00:00.000Z' }), 200, {
      has: { ok: true, slot: '1', cleared: { _: 'liquid', 1: { _: 'intent', 1: 'fenn', 6: '2026-01-01T00:00:00.000Z' } } },
    }),
    get('liquid:pool:w', {}, 200, { body: { _: LIQUID_BASE } }),
    post('pool:w', append('pool:w', { _: 'rival', 1: 'second' }, { resolve_window: '2026-01-01T00:00:00.000Z' }), 409, {
      has: { ok: false, code: 'window_already_resolved', resolved_by: 'first', landed: { slot: '1' } },
    }),
    post('pool:w', append('pool:w', { _: 'another window', 1: 'second' }, { resolve_window: '2026-01-02T00:00:00.000Z' }), 200, { has: { slot: '2' } }),
  ]],
  ['S1–S6: sed register, registrant writes, founding', [
    post('sed:crew', register({ declaration: 'I am one', passphrase: 'p1' }), 200, { body: { ok: true, position: '11', address: 'sed:crew:11' } }),
    get('sed:crew', {}, 200, { body: { _: 'sed: collective crew hosted at beach.example.com', 1: { 1: 'I am one' } } }),
    post('sed:crew', register({ declaration: 'I am two', passphrase: 'p2', shell_ref: 'https://x.y' }), 200, { has: { position: '12' } }),
    get('sed:crew', { spindle: '12' }, 200, { body: { _: 'I am two', 1: 'https://x.y' } }),
    post('sed:crew', register({ declaration: 'no key' }), 400, code('invalid_shape', 'sed register requires {declaration, passphrase}')),
    post('sed:crew', { spindle: '11', content: 'revised', secret: 'p1' }, 200, ok),
    post('sed:crew', { spindle: '11', content: 'revised', secret: 'p2' }, 403, code('lock_required', 'secret does not match')),
    post('sed:crew', { spindle: '11', new_lock: null, secret: 'p1' }, 405, code('invalid_shape')),
    post('sed:crew2', { content: { _: 'the conventions' }, new_lock: 'admin-key' }, 200, ok),
    post('sed:crew2', { content: { _: 'new conventions' }, confirm: true, secret: 'admin-key' }, 200, ok),
    post('sed:crew2', { content: { _: 'hijack' }, confirm: true }, 403, code('lock_required')),
  ]],
  ['G1–G7: grain reach, completion, side keys', [
    post(GRAIN, reach('1', 'alice', 'alice here', 'k1', { description: 'our channel' }), 200, { body: { ok: true, state: 'established', awaiting: '2', pair_id: 'cb3a563919939643' } }),
    get(GRAIN, {}, 200, {
      body: {
        _: 'our channel',
        1: { _: 'alice here' },
        8: { _: 'reach pending from alice', 1: 'alice', 2: 'cb3a563919939643', 3: `${GRAIN}:2`, 4: `${GRAIN}:1`, 5: 'our channel', 6: '2026-06-01T12:00:00.000Z' },
        9: { 1: 'alice' },
      },
    }),
    post(GRAIN, reach(2, 'bob', 'b', 'k2'), 400, code('invalid_shape', 'grain reach requires side="1" or side="2"')),
    post(GRAIN, reach('2', 'bob', 'bob here', 'k2'), 200, { body: { ok: true, state: 'completed', pair_id: 'cb3a563919939643' } }),
    get(GRAIN, {}, 200, { body: { _: 'our channel', 1: { _: 'alice here' }, 2: { _: 'bob here' }, 9: { 1: 'alice', 2: 'bob' } } }),
    post(GRAIN, reach('1', 'alice', 'new', 'wrong'), 403, code('lock_required', 'side 1 is locked')),
    post(GRAIN, reach('1', 'alice', 'new', 'k1'), 200, { has: { state: 'updated' } }),
    post(GRAIN, { content: { _: 'mine now' }, confirm: true, secret: 'k1' }, 405, code('whole_block_replace_unsupported')),
    post(GRAIN, { spindle: '2', content: { _: 'reach from side two', 1: 'a message' }, secret: 'k2' }, 200, ok),
    post(GRAIN, { spindle: '2', content: { _: 'reach from side two' }, secret: 'k2' }, 200, ok),
    get(GRAIN, { spindle: '2' }, 200, { body: { _: 'reach from side two' } }),
    post(GRAIN, { spindle: '1.1', content: 'forged', secret: 'k2' }, 403, code('lock_required')),
    get(GRAIN, {}, 200, { body: { _: 'our channel', 1: { _: 'new' }, 2: { _: 'reach from side two' }, 9: { 1: 'alice', 2: 'bob' } } }),
  ]],
  ['DELETE (§8.6): confirm, absence, the root lock, substrate blocks', [
    del('', {}, 400, code('invalid_shape')),
    del('gone', { confirm: true }, 404, code('not_found')),
    post('w', { content: { _: 'W' }, new_lock: 'k' }, 200),
    del('w', {}, 400, code('confirm_required', 'wipe requires {confirm: true}')),
    del('w', { confirm: true }, 403, code('lock_required', 'block "w" is locked at "_", secret required')),
    del('w', { confirm: true, secret: 'no' }, 403, code('lock_required', 'secret does not match')),
    del('w', { confirm: true, secret: 'k' }, 200, { body: { ok: true, wiped: 'w' } }),
    get('w', {}, 404),
    post('w', { content: { _: 'W again' } }, 200, ok),
    del(GRAIN, { confirm: true }, 405, code('invalid_shape', 'wipe not supported on substrate-prefixed blocks')),
    del('sed:crew', { confirm: true }, 405, code('invalid_shape')),
  ]],
  ['§8.1: a non-empty body `block` wins over the query', [
    post('query-name', { block: 'body-name', content: { _: 'from the body' } }, 200, ok),
    get('body-name', {}, 200, { body: { _: 'from the body' } }),
    get('query-name', {}, 404),
    post('query-name', { block: '', content: { _: 'empty body name falls back' } }, 200, ok),
    get('query-name', {}, 200, { body: { _: 'empty body name falls back' } }),
    del('', { block: 'body-name', confirm: true }, 200, { body: { ok: true, wiped: 'body-name' } }),
  ]],
];
