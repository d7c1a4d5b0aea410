// The reference's engine-level holes (issue 12, bsp-beach §12) — each refused here, each a test.
// Every refusal is of something that was never legitimate; legitimate calls beside it still pass.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBeach } from './conformance/memory-beach.js';

let beach: MemoryBeach;
beforeEach(() => {
  beach = new MemoryBeach();
});
const GRAIN = 'grain:cb3a563919939643';
const reach = (side: string, agent: string, passphrase: string) =>
  beach.post(GRAIN, { action: 'reach', side, agent_id: agent, my_side_content: `${agent} here`, my_passphrase: passphrase });

describe('sed:/grain: locks follow the parsed walk, not the literal first segment (§4.2, §12.2)', () => {
  beforeEach(() => {
    reach('1', 'alice', 'k1');
    reach('2', 'bob', 'k2');
  });

  it('a keyless write at "12" on a grain is side 1, child 2 — refused', () => {
    expect(beach.post(GRAIN, { spindle: '12', content: 'forged' })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
    expect(beach.post(GRAIN, { spindle: '12', content: 'forged', secret: 'k2' }).status).toBe(403);
    expect(beach.block(GRAIN)[1]).toEqual({ _: 'alice here' });
    expect(beach.post(GRAIN, { spindle: '12', content: 'mine', secret: 'k1' }).status).toBe(200);
    expect(beach.block(GRAIN)[1]).toEqual({ _: 'alice here', 2: 'mine' });
  });

  it('a lock set at "12" cannot homestead inside side 1', () => {
    expect(beach.post(GRAIN, { spindle: '12', new_lock: 'mine' }).status).toBe(403);
    expect(Object.keys(beach.records.get(GRAIN)!.locks).sort()).toEqual(['1', '2']);
  });

  it('a keyless write at "1.1" on a collective is registrant 11 — refused', () => {
    beach.post('sed:crew', { action: 'register', declaration: 'I am one', passphrase: 'p1' });
    expect(beach.post('sed:crew', { spindle: '1.1', content: 'forged' })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
    expect(beach.block('sed:crew')[1][1]).toBe('I am one');
    expect(beach.post('sed:crew', { spindle: '1.1', content: 'revised', secret: 'p1' }).status).toBe(200);
  });

  it('a keyless object at "1" cannot wipe registrants 11–19', () => {
    beach.post('sed:crew', { action: 'register', declaration: 'I am one', passphrase: 'p1' });
    beach.post('sed:crew', { action: 'register', declaration: 'I am two', passphrase: 'p2' });
    expect(beach.post('sed:crew', { spindle: '1', content: { _: 'wiped' } })).toMatchObject({
      status: 403,
      body: { error: 'position "11" of "sed:crew" is locked, secret required — this write would change it' },
    });
    expect(beach.post('sed:crew', { spindle: '1', content: 'a voice for the container' }).status).toBe(200);
    expect(beach.block('sed:crew')[1]).toEqual({ _: 'a voice for the container', 1: 'I am one', 2: 'I am two' });
  });

  it('a registrant cannot overwrite a deeper registrant living under its walk', () => {
    for (let i = 0; i < 81; i += 1) beach.post('sed:big', { action: 'register', declaration: `r${i}`, passphrase: `p${i}` });
    const last = beach.post('sed:big', { action: 'register', declaration: 'deep', passphrase: 'deep' });
    expect(last.body.position).toBe('111');
    expect(beach.post('sed:big', { spindle: '11', content: { _: 'mine' }, secret: 'p0' }).status).toBe(403);
    expect(beach.post('sed:big', { spindle: '11', content: 'revoiced', secret: 'p0' }).status).toBe(200);
    expect(beach.post('sed:big', { spindle: '111', content: 'deeper', secret: 'deep' }).status).toBe(200);
    expect(beach.block('sed:big')[1][1]).toEqual({ _: 'revoiced', 1: 'deeper' });
  });

  it("the collective's admin may replace the conventions but not drop a registrant", () => {
    beach.post('sed:crew', { content: { _: 'the conventions' }, new_lock: 'admin' });
    beach.post('sed:crew', { action: 'register', declaration: 'I am one', passphrase: 'p1' });
    expect(beach.post('sed:crew', { content: { _: 'new conventions' }, confirm: true, secret: 'admin' })).toMatchObject({
      status: 403,
      body: { code: 'lock_required' },
    });
    expect(beach.post('sed:crew', { content: { _: 'new conventions', 1: { 1: 'I am one' } }, confirm: true, secret: 'admin' }).status).toBe(200);
    expect(beach.block('sed:crew')).toEqual({ _: 'new conventions', 1: { 1: 'I am one' } });
  });

  it('a registration never lands on a node that already holds content', () => {
    for (let i = 0; i < 81; i += 1) beach.post('sed:big', { action: 'register', declaration: `r${i}`, passphrase: `p${i}` });
    expect(beach.post('sed:big', { spindle: '113', content: "registrant 11's third child", secret: 'p0' }).status).toBe(200);
    const positions = [0, 1, 2].map((i) => beach.post('sed:big', { action: 'register', declaration: `late${i}`, passphrase: `l${i}` }).body.position);
    expect(positions).toEqual(['111', '112', '114']);
    expect(beach.block('sed:big')[1][1][3]).toBe("registrant 11's third child");
  });
});

describe('nobody takes an unformed grain side but its reach (§12.3)', () => {
  beforeEach(() => {
    reach('1', 'alice', 'k1');
  });

  it('a keyless root append to a grain is refused, and the partner can still reach', () => {
    expect(beach.post(GRAIN, { append: true, content: 'squat' })).toMatchObject({ status: 405, body: { code: 'invalid_shape' } });
    expect(beach.block(GRAIN)[2]).toBeUndefined();
    expect(reach('2', 'bob', 'k2').body.state).toBe('completed');
  });

  it('a keyless write or lock at the empty side is refused, and the partner can still reach', () => {
    expect(beach.post(GRAIN, { spindle: '2', content: 'squat' })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
    expect(beach.post(GRAIN, { spindle: '2.1', content: 'squat' }).status).toBe(403);
    expect(beach.post(GRAIN, { spindle: '2', new_lock: 'mine' }).status).toBe(403);
    expect(beach.post(GRAIN, { append: true, spindle: '2', content: 'squat' }).status).toBe(403);
    expect(reach('2', 'bob', 'k2').body.state).toBe('completed');
  });

  it('a grain cannot be pre-made by a whole-block write before anyone reaches', () => {
    const fresh = 'grain:0000000000000001';
    expect(beach.post(fresh, { content: { _: 'premade', 1: { _: 'fake alice' }, 2: { _: 'fake bob' } } })).toMatchObject({
      status: 405,
      body: { code: 'whole_block_replace_unsupported' },
    });
    expect(beach.post(fresh, { spindle: '1', content: 'fake alice' }).status).toBe(403);
    expect(beach.records.has(fresh)).toBe(false);
  });

  it('a root append to a collective is refused too (it would land in a registrant container)', () => {
    beach.post('sed:crew', { action: 'register', declaration: 'one', passphrase: 'p' });
    expect(beach.post('sed:crew', { append: true, content: 'x' }).status).toBe(405);
  });
});

describe('a keyless whole-block replace or DELETE cannot wipe a locked digit', () => {
  beforeEach(() => {
    beach.post('open', { content: { _: 'an open block', 1: 'public' } });
    beach.post('open', { spindle: '2', content: 'alice owns this', new_lock: 'alice' });
  });

  it('a replace that changes the locked digit is refused', () => {
    expect(beach.post('open', { content: { _: 'wiped' }, confirm: true })).toMatchObject({
      status: 403,
      body: { code: 'lock_required', error: 'position "2" of "open" is locked, secret required — this write would change it' },
    });
    expect(beach.post('open', { content: { _: 'wiped', 2: 'forged' }, confirm: true, secret: 'wrong' }).status).toBe(403);
    expect(beach.block('open')[2]).toBe('alice owns this');
  });

  it('a replace that resends the locked digit unchanged passes', () => {
    expect(beach.post('open', { content: { _: 'renamed', 1: 'edited', 2: 'alice owns this' }, confirm: true }).status).toBe(200);
    expect(beach.block('open')).toEqual({ _: 'renamed', 1: 'edited', 2: 'alice owns this' });
  });

  it("the digit's own secret, or the root owner's, may change it", () => {
    expect(beach.post('open', { content: { _: 'alice rewrites' }, confirm: true, secret: 'alice' }).status).toBe(200);
    beach.post('owned', { content: { _: 'owned', 2: 'delegated' }, new_lock: 'root' });
    beach.post('owned', { spindle: '2', new_lock: 'deleg', secret: 'root' });
    expect(beach.post('owned', { content: { _: 'owner rewrites' }, confirm: true, secret: 'root' }).status).toBe(200);
  });

  it('a keyless DELETE is refused while someone holds a digit; the owner or the holder may wipe', () => {
    expect(beach.delete('open', { confirm: true })).toMatchObject({ status: 403, body: { code: 'lock_required' } });
    expect(beach.block('open')[2]).toBe('alice owns this');
    expect(beach.delete('open', { confirm: true, secret: 'alice' }).status).toBe(200);
    beach.post('owned', { content: { _: 'owned', 2: 'delegated' }, new_lock: 'root' });
    beach.post('owned', { spindle: '2', new_lock: 'deleg', secret: 'root' });
    expect(beach.delete('owned', { confirm: true, secret: 'root' }).status).toBe(200);
  });

  it('a lock-only homestead on an absent block survives a keyless creation that would fill it', () => {
    beach.post('fresh', { spindle: '3', new_lock: 'early' });
    expect(beach.post('fresh', { content: { _: 'F', 3: 'taken' } }).status).toBe(403);
    expect(beach.post('fresh', { content: { _: 'F', 1: 'fine' } }).status).toBe(200);
  });
});
