// §11.5 lock rows (L1–L19), the §4.3 salt vectors and lockKeyForWrite (§4.2), as data.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBeach } from './conformance/memory-beach.js';
import { lockKeyForWrite, referenceLockKey, resolveAuthority } from './lock-key.js';
import { grainLockHash, lockHash, ordinaryLockHash, sedLockHash } from './salts.js';

describe('§4.3 salt vectors (frozen)', () => {
  it.each([
    ['ordinary', () => ordinaryLockHash('s3cret', 'beach.example.com', 'passport:weft', '_'), '15ade5a843354dc19d8236809c7a726f76ec0416c4c85e3f1c89cc64b18ad010'],
    ['sed', () => sedLockHash('pp', 'commons', '11'), '039da473a18f38361784766adee48b6b88446b9beeca167a244ab5c76a9e63f5'],
    ['grain', () => grainLockHash('pp', 'cb3a563919939643', '1'), 'a0f70835749c58e2b54dc611e03b0d3bbbf466d21c65987dbf74a05de1bf6169'],
    ['dispatch ordinary', () => lockHash('s3cret', 'passport:weft', 'beach.example.com', '_'), '15ade5a843354dc19d8236809c7a726f76ec0416c4c85e3f1c89cc64b18ad010'],
    ['dispatch sed', () => lockHash('pp', 'sed:commons', 'ignored', '11'), '039da473a18f38361784766adee48b6b88446b9beeca167a244ab5c76a9e63f5'],
    ['dispatch grain', () => lockHash('pp', 'grain:cb3a563919939643', 'ignored', '1'), 'a0f70835749c58e2b54dc611e03b0d3bbbf466d21c65987dbf74a05de1bf6169'],
  ])('L19 %s', (_kind, hash, hex) => {
    expect(hash()).toBe(hex);
  });

  it('the origin salts ordinary locks', () => {
    expect(ordinaryLockHash('s3cret', 'localhost:3000', 'passport:weft', '_')).not.toBe(ordinaryLockHash('s3cret', 'beach.example.com', 'passport:weft', '_'));
  });
});

describe('lockKeyForWrite (§4.2)', () => {
  const floor1 = { _: 'b' };
  const floor2 = { _: { _: 'b' } };
  it.each([
    ['note', '', floor1, '_'],
    ['note', '3', floor1, '3'],
    ['note', '3.12', floor1, '3'],
    ['note', '3*', floor1, '3'],
    ['note', '0', floor1, '_'],
    ['note', '*', floor1, '_'],
    ['note', '1', floor2, '_'],
    ['note', '12', floor2, '1'],
    ['grain:p', '1', floor1, '1'],
    ['grain:p', '1.1', floor1, '1'],
    ['grain:p', '12', floor1, '1'],
    ['grain:p', '0', floor1, '_'],
    ['sed:c', '11', floor1, '11'],
    ['sed:c', '1.1', floor1, '11'],
  ])('%s at %j', (name, spindle, block, key) => {
    expect(lockKeyForWrite(name, spindle, block)).toBe(key);
  });

  it('on a collective the longest locked prefix of the walk governs', () => {
    const locks = { 11: 'h11', 111: 'h111' };
    expect(lockKeyForWrite('sed:c', '113', floor1, locks)).toBe('11');
    expect(lockKeyForWrite('sed:c', '1.11', floor1, locks)).toBe('111');
    expect(lockKeyForWrite('sed:c', '1', floor1, locks)).toBe('1');
  });

  it('the reference keyed sed:/grain: by the literal first dotted segment', () => {
    expect(referenceLockKey('grain:p', '12', floor1)).toBe('12');
    expect(referenceLockKey('sed:c', '1.1', floor1)).toBe('1');
    expect(referenceLockKey('note', '12', floor2)).toBe('1');
  });

  it('authority: ordinary digits inherit the root, substrate positions never do', () => {
    expect(resolveAuthority('note', '1', { _: 'r' })).toEqual({ lockKey: '1', authKey: '_', stored: 'r', inherited: true });
    expect(resolveAuthority('note', '1', { _: 'r', 1: 'd' })).toEqual({ lockKey: '1', authKey: '1', stored: 'd', inherited: false });
    expect(resolveAuthority('sed:c', '11', { _: 'r' })).toEqual({ lockKey: '11', authKey: '11', stored: undefined, inherited: false });
  });
});

describe('the five rules and the R table (L1–L18)', () => {
  let beach: MemoryBeach;
  beforeEach(() => {
    beach = new MemoryBeach();
  });
  const code = (r: { status: number; body: any }) => [r.status, r.body.code ?? 'ok'];
  const locked = (position: string, block: string) => `position "${position}" of "${block}" is locked, secret required`;

  it('L1–L2: R1 lock on creation, then a keyless replace is refused', () => {
    expect(code(beach.post('s', { content: { _: 'scratch' }, new_lock: 'alpha', confirm: true }))).toEqual([200, 'ok']);
    expect(beach.post('s', { content: { _: 'clobber' }, confirm: true })).toMatchObject({ status: 403, body: { code: 'lock_required', error: locked('_', 's') } });
    expect(code(beach.post('s', { content: { _: 'mine' }, confirm: true, secret: 'alpha' }))).toEqual([200, 'ok']);
  });

  it('L3–L8: homestead, write, rotate, relinquish a digit', () => {
    beach.post('o', { content: { _: 'open' } });
    expect(code(beach.post('o', { spindle: '1', new_lock: 'beta' }))).toEqual([200, 'ok']);
    expect(beach.post('o', { spindle: '1', content: 'g' })).toMatchObject({ status: 403, body: { error: locked('1', 'o') } });
    expect(beach.post('o', { spindle: '1', content: 'g', secret: 'wrong' })).toMatchObject({ status: 403, body: { code: 'lock_required', error: 'secret does not match' } });
    expect(code(beach.post('o', { spindle: '1', content: 'g', secret: 'beta' }))).toEqual([200, 'ok']);
    expect(code(beach.post('o', { spindle: '1', new_lock: 'gamma', secret: 'beta' }))).toEqual([200, 'ok']);
    expect(code(beach.post('o', { spindle: '1', content: 'h', secret: 'beta' }))).toEqual([403, 'lock_required']);
    expect(code(beach.post('o', { spindle: '1', content: 'h', secret: 'gamma' }))).toEqual([200, 'ok']);
    expect(beach.post('o', { spindle: '1', new_lock: null, secret: 'beta' })).toMatchObject({ status: 403, body: { error: 'lock rotation requires current secret' } });
    expect(beach.post('o', { spindle: '1', new_lock: '' })).toMatchObject({ status: 403, body: { error: 'lock rotation requires current secret' } });
    expect(code(beach.post('o', { spindle: '1', new_lock: null, secret: 'gamma' }))).toEqual([200, 'ok']);
    expect(code(beach.post('o', { spindle: '1', content: 'anyone' }))).toEqual([200, 'ok']);
    expect(code(beach.post('o', { spindle: '1', new_lock: null }))).toEqual([200, 'ok']);
    expect(code(beach.post('o', { spindle: '1', new_lock: '' }))).toEqual([200, 'ok']);
    expect(beach.records.get('o')!.locks).toEqual({});
  });

  it('L9–L15: root inheritance, delegation, inherited relinquish, root relinquish, combo', () => {
    beach.post('root', { content: { _: 'R', 1: 'one', 2: 'two' }, new_lock: 'root' });
    expect(beach.post('root', { spindle: '1', content: 'hijack' })).toMatchObject({
      status: 403,
      body: { code: 'lock_required', error: 'position "1" of "root" inherits the lock at its root, secret required' },
    });
    expect(code(beach.post('root', { spindle: '12', content: 'hijack' }))).toEqual([403, 'lock_required']);
    expect(code(beach.post('root', { spindle: '1', content: 'x', secret: 'root' }))).toEqual([200, 'ok']);
    expect(code(beach.post('root', { spindle: '2', new_lock: 'deleg', secret: 'root' }))).toEqual([200, 'ok']);
    expect(code(beach.post('root', { spindle: '2', content: 'd', secret: 'deleg' }))).toEqual([200, 'ok']);
    expect(code(beach.post('root', { spindle: '2', content: 'r', secret: 'root' }))).toEqual([403, 'lock_required']);
    expect(beach.post('root', { spindle: '1', new_lock: null, secret: 'root' })).toMatchObject({
      status: 409,
      body: { code: 'inherited_lock', error: expect.stringContaining('position "1" of "root" holds no lock of its own — it inherits the one at the root.') },
    });
    expect(code(beach.post('root', { new_lock: null, secret: 'root' }))).toEqual([200, 'ok']);
    expect(code(beach.post('root', { spindle: '1', content: 'open now' }))).toEqual([200, 'ok']);
    expect(code(beach.post('root', { spindle: '2', content: 'no' }))).toEqual([403, 'lock_required']);
    beach.post('root', { spindle: '2', new_lock: 'eps', secret: 'deleg' });
    expect(code(beach.post('root', { spindle: '2', content: 'final', secret: 'eps', new_lock: null }))).toEqual([200, 'ok']);
    expect(beach.block('root')[2]).toBe('final');
    expect(code(beach.post('root', { spindle: '2', content: 'anyone' }))).toEqual([200, 'ok']);
  });

  it('an inherited relinquish with content changes nothing (refused before the save)', () => {
    beach.post('root', { content: { _: 'R' }, new_lock: 'root' });
    expect(code(beach.post('root', { spindle: '1', content: 'x', new_lock: null, secret: 'root' }))).toEqual([409, 'inherited_lock']);
    expect(beach.block('root')).toEqual({ _: 'R' });
  });

  it('L16: relinquish on sed:/grain: is 405', () => {
    const message = 'relinquish (new_lock null or "") is not supported on substrate-prefixed blocks — sed:/grain: positions stay locked to their registrants';
    expect(beach.post('sed:x', { spindle: '1', new_lock: '' })).toMatchObject({ status: 405, body: { code: 'invalid_shape', error: message } });
    expect(beach.post('grain:p', { new_lock: null })).toMatchObject({ status: 405, body: { code: 'invalid_shape' } });
  });

  it('L17: relinquish on an absent block stores nothing', () => {
    expect(code(beach.post('ghost', { spindle: '1', new_lock: null }))).toEqual([200, 'ok']);
    expect(beach.records.has('ghost')).toBe(false);
  });

  it('L18: a lock-only call on an absent block stores the hash, not a block', () => {
    expect(code(beach.post('later', { new_lock: 'g' }))).toEqual([200, 'ok']);
    expect(beach.get('later').status).toBe(404);
    expect(code(beach.post('later', { content: { _: 'born' } }))).toEqual([403, 'lock_required']);
    expect(code(beach.post('later', { content: { _: 'born' }, secret: 'g' }))).toEqual([200, 'ok']);
    expect(beach.get('later').body).toEqual({ _: 'born' });
  });

  it('a literal "null" passphrase is a passphrase at the beach', () => {
    beach.post('n', { content: { _: 'N' }, new_lock: 'null' });
    expect(code(beach.post('n', { spindle: '1', content: 'x', secret: 'null' }))).toEqual([200, 'ok']);
  });

  it('locks are salted by origin: another origin cannot open them', () => {
    beach.post('w', { content: { _: 'W' }, new_lock: 'k' });
    const other = new MemoryBeach('localhost:8080');
    other.records.set('w', beach.records.get('w')!);
    expect(code(other.post('w', { spindle: '1', content: 'x', secret: 'k' }))).toEqual([403, 'lock_required']);
  });
});
