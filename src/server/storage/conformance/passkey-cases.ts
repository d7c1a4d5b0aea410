// Identity store conformance, passkey ceremonies and recovery: challenges taken once (also under
// races), recovery codes limited per user by slot, bound to one recovery session and used once.
import { expect, it } from 'vitest';
import type { ChallengeRecord, IdentityStore, RecoveryCodeRecord } from '../../../core/ports/identity-store.js';
import { T0 } from './identity-store-conformance.js';

const challengeRow = (over: Partial<ChallengeRecord> & { id: string }): ChallengeRecord => ({
  kind: 'registration', challenge: `c-${over.id}`, userId: 'u1', username: 'ada', newUser: true, sessionHash: null,
  createdAt: T0, expiresAt: T0 + 300_000, ...over,
});

const codeRow = (over: Partial<RecoveryCodeRecord> & { id: string }): RecoveryCodeRecord => ({
  userId: 'u1', hash: `h-${over.id}`, slot: 0, createdAt: T0, expiresAt: T0 + 1000, usedAt: null, sessionHash: null, ...over,
});

export function passkeyCeremonyCases(s: () => IdentityStore): void {
  it('challenges: round-trip every field, taken once, racing takes have one winner, purged after expiry', async () => {
    const reg = challengeRow({ id: 'c1' });
    const add = challengeRow({ id: 'constructor', kind: 'recovery-registration', newUser: false, sessionHash: 'sh', username: null });
    await s().createChallenge(reg);
    await s().createChallenge(add);
    await s().createChallenge(challengeRow({ id: 'c3', kind: 'authentication', userId: null, username: null, newUser: false }));
    expect(await s().takeChallenge('c1')).toEqual(reg);
    expect(await s().takeChallenge('c1')).toBeNull();
    expect(await s().takeChallenge('__proto__')).toBeNull();
    const racers = await Promise.all([s().takeChallenge('constructor'), s().takeChallenge('constructor'), s().takeChallenge('constructor')]);
    expect(racers.filter((r) => r !== null)).toEqual([add]);
    await s().purge(T0 + 300_001);
    expect(await s().takeChallenge('c3')).toBeNull();
  });

  it('recovery codes: one per (user, slot), listed per user, removed only by their owner, dead ones dropped', async () => {
    expect(await s().addRecoveryCode(codeRow({ id: 'r1' }))).toBe(true);
    expect(await s().addRecoveryCode(codeRow({ id: 'r2', slot: 0 }))).toBe(false);
    expect(await s().addRecoveryCode(codeRow({ id: 'r3', slot: 0, userId: 'u2' }))).toBe(true);
    expect(await s().addRecoveryCode(codeRow({ id: 'r4', slot: 1, hash: 'h-r1' }))).toBe(false);
    expect(await s().addRecoveryCode(codeRow({ id: 'r5', slot: 1, expiresAt: T0 + 10, createdAt: T0 + 1 }))).toBe(true);
    expect(await s().recoveryCodeByHash('h-r1')).toEqual(codeRow({ id: 'r1' }));
    expect((await s().recoveryCodesOf('u1')).map((c) => c.id)).toEqual(['r1', 'r5']);
    expect(await s().removeRecoveryCode('u2', 'r1')).toBe(false);
    await s().dropDeadRecoveryCodes('u1', T0 + 10);
    expect((await s().recoveryCodesOf('u1')).map((c) => c.id)).toEqual(['r1']);
    expect(await s().addRecoveryCode(codeRow({ id: 'r6', slot: 1, hash: 'h-r6' }))).toBe(true);
    expect(await s().removeRecoveryCode('u1', 'r1')).toBe(true);
    expect(await s().recoveryCodeByHash('h-r1')).toBeNull();
    // racing inserts into one slot: exactly one wins
    const racers = await Promise.all([0, 1, 2].map((i) => s().addRecoveryCode(codeRow({ id: `x${i}`, userId: 'u9', hash: `hx${i}` }))));
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  it('recovery codes: used once through the session they are bound to, never after expiry or rebinding', async () => {
    await s().addRecoveryCode(codeRow({ id: 'r1' }));
    expect(await s().useRecoveryCode('s1', T0)).toBeNull();
    expect(await s().bindRecoveryCode('r1', 's1')).toBe(true);
    expect(await s().bindRecoveryCode('r1', 's2')).toBe(true);
    expect(await s().useRecoveryCode('s1', T0)).toBeNull();
    expect(await s().useRecoveryCode('s2', T0 + 1000)).toBeNull();
    const racers = await Promise.all([s().useRecoveryCode('s2', T0 + 5), s().useRecoveryCode('s2', T0 + 6)]);
    expect(racers.filter((r) => r !== null).map((r) => r!.id)).toEqual(['r1']);
    expect((await s().recoveryCodeByHash('h-r1'))?.usedAt).not.toBeNull();
    expect(await s().bindRecoveryCode('r1', 's3')).toBe(false);
    expect(await s().bindRecoveryCode('missing', 's3')).toBe(false);
  });
}
