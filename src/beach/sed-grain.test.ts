// §11.8 sed: and grain: state-machine rows (S1–S6, G1–G7), as data.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBeach } from './conformance/memory-beach.js';
import { sedLockHash } from './salts.js';

let beach: MemoryBeach;
beforeEach(() => {
  beach = new MemoryBeach();
});
const register = (name: string, fields: Record<string, unknown>) => beach.post(name, { action: 'register', ...fields });
const reach = (side: unknown, agent: string, content: string, passphrase: string, extra: Record<string, unknown> = {}) =>
  beach.post('grain:cb3a563919939643', { action: 'reach', side, agent_id: agent, my_side_content: content, my_passphrase: passphrase, ...extra });

describe('sed: register (S1–S6)', () => {
  it('S1–S2: positions 11 and 12, with and without a shell reference', () => {
    expect(register('sed:crew', { declaration: 'I am one', passphrase: 'p1' })).toEqual({ status: 200, body: { ok: true, position: '11', address: 'sed:crew:11' } });
    expect(beach.block('sed:crew')).toEqual({ _: 'sed: collective crew hosted at beach.example.com', 1: { 1: 'I am one' } });
    expect(register('sed:crew', { declaration: 'I am two', passphrase: 'p2', shell_ref: 'https://x.y' }).body.position).toBe('12');
    expect(beach.block('sed:crew')[1][2]).toEqual({ _: 'I am two', 1: 'https://x.y' });
    expect(beach.records.get('sed:crew')!.locks).toEqual({ 11: sedLockHash('p1', 'crew', '11'), 12: sedLockHash('p2', 'crew', '12') });
  });

  it('S3: declaration and passphrase are required', () => {
    const refusal = { status: 400, body: expect.objectContaining({ code: 'invalid_shape', error: 'sed register requires {declaration, passphrase}' }) };
    expect(register('sed:crew', { declaration: 'x' })).toEqual(refusal);
    expect(register('sed:crew', { passphrase: 'x' })).toEqual(refusal);
    expect(register('sed:crew', { declaration: '{"_":"x"}', passphrase: 'p' }).body.code).toBe('invalid_shape');
  });

  it('S4–S5: a registrant writes and rotates its position, never relinquishes it', () => {
    register('sed:crew', { declaration: 'I am one', passphrase: 'p1' });
    register('sed:crew', { declaration: 'I am two', passphrase: 'p2' });
    expect(beach.post('sed:crew', { spindle: '11', content: 'revised', secret: 'p1' }).status).toBe(200);
    expect(beach.post('sed:crew', { spindle: '11', content: 'revised', secret: 'p2' })).toMatchObject({ status: 403, body: { error: 'secret does not match' } });
    expect(beach.post('sed:crew', { spindle: '11', new_lock: null, secret: 'p1' })).toMatchObject({ status: 405, body: { code: 'invalid_shape' } });
    expect(beach.post('sed:crew', { spindle: '11', new_lock: 'p1b', secret: 'p1' }).status).toBe(200);
    expect(beach.post('sed:crew', { spindle: '11', content: 'again', secret: 'p1b' }).status).toBe(200);
    expect(beach.block('sed:crew')[1][1]).toBe('again');
  });

  it('S6: founding a collective with an admin lock', () => {
    expect(beach.post('sed:crew2', { content: { _: 'the conventions' }, new_lock: 'admin-key' }).status).toBe(200);
    expect(beach.post('sed:crew2', { content: { _: 'new conventions' }, confirm: true, secret: 'admin-key' }).status).toBe(200);
    expect(beach.post('sed:crew2', { content: { _: 'hijack' }, confirm: true }).status).toBe(403);
    expect(register('sed:crew2', { declaration: 'joining', passphrase: 'j' }).body.position).toBe('11');
  });

  it('positions skip zeros and taken locks', () => {
    for (let i = 0; i < 10; i += 1) register('sed:big', { declaration: `r${i}`, passphrase: `p${i}` });
    expect(Object.keys(beach.records.get('sed:big')!.locks).sort()).toEqual(['11', '12', '13', '14', '15', '16', '17', '18', '19', '21']);
    expect(register('sed:big', { declaration: 'r10', passphrase: 'p10' }).body.position).toBe('22');
  });
});

describe('an exhausted collective', () => {
  it('answers 409 no_position, not 500', () => {
    const locks: Record<string, string> = {};
    for (let n = 11; n < 1_000_000; n += 1) if (!String(n).includes('0')) locks[String(n)] = 'h';
    beach.records.set('sed:full', { block: { _: 'full' }, locks });
    expect(register('sed:full', { declaration: 'late', passphrase: 'p' })).toMatchObject({ status: 409, body: { code: 'no_position' } });
  });
});

describe('grain: reach (G1–G7)', () => {
  it('G1: the first reach establishes the grain', () => {
    expect(reach('1', 'alice', 'alice here', 'k1', { description: 'our channel' })).toEqual({
      status: 200,
      body: { ok: true, state: 'established', awaiting: '2', pair_id: 'cb3a563919939643' },
    });
    expect(beach.block('grain:cb3a563919939643')).toEqual({
      _: 'our channel',
      1: { _: 'alice here' },
      8: {
        _: 'reach pending from alice',
        1: 'alice',
        2: 'cb3a563919939643',
        3: 'grain:cb3a563919939643:2',
        4: 'grain:cb3a563919939643:1',
        5: 'our channel',
        6: '2026-06-01T12:00:00.000Z',
      },
      9: { 1: 'alice' },
    });
  });

  it('G2: side must be the string "1" or "2"', () => {
    expect(reach(2, 'bob', 'x', 'k')).toMatchObject({ status: 400, body: { code: 'invalid_shape', error: 'grain reach requires side="1" or side="2"' } });
    expect(beach.post('grain:x', { action: 'reach', side: '1' }).body.error).toBe(
      'grain reach requires {side, agent_id, partner_agent_id, description, my_side_content, my_passphrase}',
    );
  });

  it('G3–G4: completion, then own-side rewrites need the passphrase', () => {
    reach('1', 'alice', 'alice here', 'k1', { description: 'our channel' });
    expect(reach('2', 'bob', 'bob here', 'k2').body).toEqual({ ok: true, state: 'completed', pair_id: 'cb3a563919939643' });
    expect(beach.block('grain:cb3a563919939643')).toEqual({ _: 'our channel', 1: { _: 'alice here' }, 2: { _: 'bob here' }, 9: { 1: 'alice', 2: 'bob' } });
    expect(reach('1', 'alice', 'new', 'wrong')).toMatchObject({ status: 403, body: { code: 'lock_required', error: 'side 1 is locked' } });
    expect(reach('1', 'alice', 'new', 'k1').body.state).toBe('updated');
    expect(beach.block('grain:cb3a563919939643')[1]).toEqual({ _: 'new' });
  });

  it('G5: a whole-block write to a formed grain is 405 and changes nothing', () => {
    reach('1', 'alice', 'a', 'k1');
    reach('2', 'bob', 'b', 'k2');
    const before = JSON.stringify(beach.block('grain:cb3a563919939643'));
    for (const extra of [{}, { confirm: true }, { confirm: true, secret: 'k1' }]) {
      expect(beach.post('grain:cb3a563919939643', { content: { _: 'mine now' }, ...extra })).toMatchObject({
        status: 405,
        body: { code: 'whole_block_replace_unsupported' },
      });
    }
    expect(JSON.stringify(beach.block('grain:cb3a563919939643'))).toBe(before);
  });

  it('G6–G7: sides are written with their own key; a subtree write clears a side', () => {
    reach('1', 'alice', 'a', 'k1');
    reach('2', 'bob', 'b', 'k2');
    expect(beach.post('grain:cb3a563919939643', { spindle: '2', content: { _: 'reach from side two', 1: 'a message' }, secret: 'k2' }).status).toBe(200);
    expect(beach.post('grain:cb3a563919939643', { spindle: '2', content: { _: 'reach from side two' }, secret: 'k2' }).status).toBe(200);
    expect(beach.block('grain:cb3a563919939643')[2]).toEqual({ _: 'reach from side two' });
    expect(beach.post('grain:cb3a563919939643', { spindle: '1.1', content: 'forged', secret: 'k2' }).status).toBe(403);
    expect(beach.post('grain:cb3a563919939643', { spindle: '1.1', content: 'mine', secret: 'k1' }).status).toBe(200);
  });

  it('DELETE on sed:/grain: is 405', () => {
    reach('1', 'alice', 'a', 'k1');
    expect(beach.delete('grain:cb3a563919939643', { confirm: true })).toMatchObject({ status: 405, body: { error: 'wipe not supported on substrate-prefixed blocks' } });
    expect(beach.delete('sed:crew', { confirm: true }).status).toBe(405);
  });
});

describe('DELETE (§8.6)', () => {
  it('confirm, absence, the root lock, success', () => {
    expect(beach.delete('', {}).body.code).toBe('invalid_shape');
    expect(beach.delete('gone', { confirm: true })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    beach.post('w', { content: { _: 'W' }, new_lock: 'k' });
    expect(beach.delete('w', {})).toMatchObject({ status: 400, body: { code: 'confirm_required', error: 'wipe requires {confirm: true}' } });
    expect(beach.delete('w', { confirm: true })).toMatchObject({ status: 403, body: { error: 'block "w" is locked at "_", secret required' } });
    expect(beach.delete('w', { confirm: true, secret: 'no' })).toMatchObject({ status: 403, body: { error: 'secret does not match' } });
    expect(beach.delete('w', { confirm: true, secret: 'k' })).toEqual({ status: 200, body: { ok: true, wiped: 'w' } });
    expect(beach.records.has('w')).toBe(false);
  });
});
