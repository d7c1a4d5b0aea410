// Passkey ceremonies, sessions and recovery over HTTP without a browser (a software authenticator
// makes real WebAuthn responses): the valid flows, and the hostile ones — forged, expired,
// replayed and wrong-type challenges, a verify naming another user than its challenge, wrong
// Origins, recovery sessions reaching for anything else, used and revoked codes, other users'
// passkeys, a cloned authenticator, rate limits (sync-auth §11 items 12, 25, 27).
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { inProcessApp, type TestApp } from '../support/in-process.js';
import type { JsonResponse } from '../support/http-client.js';
import { softAuthenticate, softRegister, type SoftCredential } from '../support/soft-authenticator.js';

const ORIGIN = 'http://localhost:8787';

describe('passkeys over HTTP (software authenticator)', () => {
  let t: TestApp;
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock(Date.now());
    t = inProcessApp({ clock, args: ['--public-url', ORIGIN] });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => t.client.request('POST', path, body, { origin: ORIGIN, ...headers });
  const cookieOf = (res: JsonResponse) => /sync_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;
  const withCookie = (secret: string, extra: Record<string, string> = {}) => ({ cookie: `sync_session=${secret}`, ...extra });

  async function register(username: string): Promise<{ secret: string; credential: SoftCredential; userId: string }> {
    const opts = await post('/webauthn/register/options', { username });
    expect(opts.status, JSON.stringify(opts.body)).toBe(200);
    const { credential, response } = softRegister(opts.body.options, ORIGIN);
    const done = await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ verified: true, signed_in: true, user: { username } });
    expect(JSON.stringify(done.body)).not.toContain('sess_');
    return { secret: cookieOf(done)!, credential, userId: done.body.user.id };
  }

  async function signIn(credential: SoftCredential, over: Parameters<typeof softAuthenticate>[3] = {}): Promise<JsonResponse> {
    const opts = await post('/webauthn/authenticate/options', {});
    return post('/webauthn/authenticate/verify', { challengeId: opts.body.challengeId, response: softAuthenticate(credential, opts.body.options, ORIGIN, over) });
  }

  it('registers an account, sets an HttpOnly SameSite cookie, signs out server-side and signs in again', async () => {
    const opts = await post('/webauthn/register/options', { username: 'Ada' });
    expect(opts.body.options).toMatchObject({ rp: { id: 'localhost' }, attestation: 'none', authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' } });
    const { secret, credential, userId } = await register('ada2');
    expect(Buffer.from(credential.userHandle, 'base64url').toString()).toBe(userId);
    const session = await t.client.request('GET', '/auth/session', undefined, withCookie(secret));
    expect(session.body.user.username).toBe('ada2');
    const out = await post('/auth/signout', undefined, withCookie(secret));
    expect(out.body).toEqual({ signed_out: true });
    expect(out.headers.get('set-cookie')).toMatch(/sync_session=;.*Max-Age=0/);
    expect((await t.client.request('GET', '/auth/session', undefined, withCookie(secret))).status).toBe(401);
    const back = await signIn(credential);
    expect(back.body).toEqual({ verified: true, user: { id: userId, username: 'ada2' } });
    expect(back.headers.get('set-cookie')).toMatch(/sync_session=sess_[^;]+; .*Path=\/; .*HttpOnly; .*SameSite=Lax/);
  });

  it('a taken username (after normalisation) is 409 user_exists; a bad one 400', async () => {
    await register('ada');
    expect((await post('/webauthn/register/options', { username: 'ADA' })).body.error).toBe('user_exists');
    expect((await post('/webauthn/register/options', { username: '__proto__' })).body.error).toBe('invalid_body');
    expect((await post('/webauthn/register/options', { username: 'x'.repeat(100) })).body.error).toBe('invalid_body');
    expect((await post('/webauthn/register/options', {})).body.error).toBe('invalid_body');
  });

  it('§11.27 WebAuthn details: forged, replayed, expired and wrong-type challenges are refused; a failed attempt uses the challenge up', async () => {
    const forged = await post('/webauthn/register/verify', { challengeId: 'constructor', response: {} });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toBe('invalid_challenge');

    const opts = await post('/webauthn/register/options', { username: 'eve' });
    const bad = await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response: { id: 'x', response: {} } });
    expect(bad.body.error).toBe('passkey_rejected');
    const { response } = softRegister(opts.body.options, ORIGIN);
    expect((await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response })).body.error).toBe('invalid_challenge');

    const late = await post('/webauthn/register/options', { username: 'eve' });
    clock.advance(5 * 60_000 + 1);
    const expired = await post('/webauthn/register/verify', { challengeId: late.body.challengeId, response: softRegister(late.body.options, ORIGIN).response });
    expect(expired.body.error).toBe('invalid_challenge');

    const { credential } = await register('frank');
    const auth = await post('/webauthn/authenticate/options', {});
    const asRegistration = await post('/webauthn/register/verify', { challengeId: auth.body.challengeId, response: softRegister(auth.body.options.rp ? auth.body.options : { ...auth.body.options, rp: { id: 'localhost' }, user: { id: 'eA' } }, ORIGIN).response });
    expect(asRegistration.body.error).toBe('invalid_challenge');
    const reg = await post('/webauthn/register/options', { username: 'gina' });
    const asSignIn = await post('/webauthn/authenticate/verify', { challengeId: reg.body.challengeId, response: softAuthenticate(credential, reg.body.options, ORIGIN) });
    expect(asSignIn.body.error).toBe('invalid_challenge');
    // Replaying a sign-in response: its challenge is gone.
    const opts2 = await post('/webauthn/authenticate/options', {});
    const signed = softAuthenticate(credential, opts2.body.options, ORIGIN);
    expect((await post('/webauthn/authenticate/verify', { challengeId: opts2.body.challengeId, response: signed })).status).toBe(200);
    expect((await post('/webauthn/authenticate/verify', { challengeId: opts2.body.challengeId, response: signed })).body.error).toBe('invalid_challenge');
  });

  it('§11.27 WebAuthn details: a registration verify naming another user id or username than its challenge is refused; the account is made as issued', async () => {
    await register('victim');
    const opts = await post('/webauthn/register/options', { username: 'mallory' });
    const { response } = softRegister(opts.body.options, ORIGIN);
    const renamed = await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response, username: 'victim' });
    expect(renamed.status).toBe(403);
    expect(renamed.body.error).toBe('identity_mismatch');
    const again = await post('/webauthn/register/options', { username: 'mallory' });
    const reId = await post('/webauthn/register/verify', { challengeId: again.body.challengeId, response: softRegister(again.body.options, ORIGIN).response, userId: 'someone-else' });
    expect(reId.body.error).toBe('identity_mismatch');
    const users = (await t.app.identity.listUsers()).map((u) => u.username);
    expect(users).toEqual(['victim']);
  });

  it('§11.27 WebAuthn details: the relying party is the public URL: another Origin in clientData or in the header is refused', async () => {
    const opts = await post('/webauthn/register/options', { username: 'ivan' });
    const spoofed = softRegister(opts.body.options, 'http://evil.example').response;
    expect((await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response: spoofed })).body.error).toBe('passkey_rejected');
    for (const path of ['/webauthn/register/options', '/webauthn/authenticate/options', '/webauthn/register/verify', '/webauthn/authenticate/verify', '/auth/signout', '/recover/validate']) {
      const wrong = await t.client.request('POST', path, {}, { origin: 'http://localhost:9999', host: 'localhost:9999' });
      expect(wrong.status, path).toBe(403);
      expect(wrong.body.error, path).toBe('origin_not_allowed');
      const none = await t.client.request('POST', path, {});
      expect(none.body.error, path).toBe('origin_not_allowed');
    }
    // Host header games do not move the RP ID (a server off loopback answers any Host).
    const open = inProcessApp({ args: ['--public-url', ORIGIN, '--host', '0.0.0.0'] });
    const hosted = await open.client.request('POST', '/webauthn/authenticate/options', {}, { origin: ORIGIN, host: 'evil.example' });
    expect(hosted.body.options.rpId).toBe('localhost');
    await open.app.close();
  });

  it('a cloned authenticator (counter not increasing) and a wrong user handle are refused', async () => {
    const { credential } = await register('judy');
    expect((await signIn(credential)).status).toBe(200);
    expect((await signIn(credential, { counter: 1 })).body.error).toBe('passkey_rejected');
    expect((await signIn(credential, { userHandle: Buffer.from('someone').toString('base64url') })).body.error).toBe('passkey_rejected');
    expect((await signIn({ ...credential, id: 'AAAA' })).body.error).toBe('passkey_rejected');
  });

  it('adding a passkey while signed in binds the challenge to that session; others\' passkeys cannot be removed; the last one stays', async () => {
    const ada = await register('ada');
    const bob = await register('bob');
    const opts = await post('/webauthn/register/options', {}, withCookie(ada.secret));
    expect(opts.body.options.user.name).toBe('ada');
    expect(opts.body.options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([ada.credential.id]);
    const { response } = softRegister(opts.body.options, ORIGIN);
    // bob's session cannot finish ada's ceremony (and it uses the challenge up)
    expect((await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response }, withCookie(bob.secret))).body.error).toBe('authentication_required');
    clock.advance(1000);
    const opts2 = await post('/webauthn/register/options', {}, withCookie(ada.secret));
    const added = await post('/webauthn/register/verify', { challengeId: opts2.body.challengeId, response: softRegister(opts2.body.options, ORIGIN).response, name: 'phone' }, withCookie(ada.secret));
    expect(added.body).toMatchObject({ verified: true, signed_in: false, passkey: { name: 'phone', backed_up: false } });
    expect(added.headers.get('set-cookie')).toBeNull();
    expect((await post('/webauthn/register/options', { username: 'carol' }, withCookie(ada.secret))).body.error).toBe('identity_mismatch');

    const list = await t.client.request('GET', '/auth/passkeys', undefined, withCookie(ada.secret));
    expect(list.body.passkeys.map((p: { name: string | null }) => p.name)).toEqual([null, 'phone']);
    const del = (id: string, secret: string) => t.client.request('DELETE', `/auth/passkeys/${id}`, undefined, withCookie(secret, { origin: ORIGIN }));
    expect((await del(ada.credential.id, bob.secret)).body.error).toBe('passkey_not_found');
    expect((await del('..%2F..', bob.secret)).body.error).toBe('invalid_id');
    expect((await del(bob.credential.id, bob.secret)).body.error).toBe('last_passkey');
    expect((await t.client.request('DELETE', `/auth/passkeys/${ada.credential.id}`, undefined, withCookie(ada.secret))).status).toBe(401);
    // racing removals of the last two: at most one wins, and a passkey always stays
    const racers = await Promise.all(list.body.passkeys.map((p: { id: string }) => del(p.id, ada.secret)));
    const removed = racers.filter((r) => r.status === 200).length;
    expect(removed).toBeLessThanOrEqual(1);
    expect(racers.filter((r) => r.status !== 200).every((r) => r.body.error === 'last_passkey')).toBe(true);
    expect((await t.client.request('GET', '/auth/passkeys', undefined, withCookie(ada.secret))).body.passkeys).toHaveLength(2 - removed);
  });

  it('§11.12 recovery sessions are too powerful: codes shown once, at most three, hashed; a recovery session can only register a passkey', async () => {
    const ada = await register('ada');
    const mk = () => post('/auth/recovery', undefined, withCookie(ada.secret));
    const codes = [await mk(), await mk(), await mk()];
    expect(codes.map((c) => c.status)).toEqual([201, 201, 201]);
    const fourth = await mk();
    expect(fourth.status).toBe(409);
    expect(fourth.body.error).toBe('recovery_limit');
    const listed = await t.client.request('GET', '/auth/recovery', undefined, withCookie(ada.secret));
    expect(JSON.stringify(listed.body)).not.toContain('recover_');
    expect(listed.body.recovery_codes).toHaveLength(3);
    expect((await t.client.request('DELETE', `/auth/recovery/${codes[2]!.body.id}`, undefined, withCookie(ada.secret, { origin: ORIGIN }))).body).toEqual({ revoked: true, id: codes[2]!.body.id });
    expect((await post('/recover/validate', { code: codes[2]!.body.code })).body.error).toBe('recovery_code_invalid');

    const redeemed = await post('/recover/validate', { code: codes[0]!.body.code });
    expect(redeemed.body).toMatchObject({ recovering: true, username: 'ada' });
    const recovery = cookieOf(redeemed)!;
    const as = (extra: Record<string, string> = {}) => withCookie(recovery, { origin: ORIGIN, ...extra });
    const refused = [
      await t.client.request('GET', '/auth/session', undefined, as()),
      await t.client.request('GET', '/auth/passkeys', undefined, as()),
      await t.client.request('DELETE', `/auth/passkeys/${ada.credential.id}`, undefined, as()),
      await t.client.request('POST', '/auth/recovery', undefined, as()),
      await t.client.request('GET', '/auth/recovery', undefined, as()),
      await t.client.request('POST', '/tokens', { scope: 'rooms:*' }, as()),
      await t.client.request('GET', '/tokens', undefined, as()),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401]);

    const opts = await post('/webauthn/register/options', {}, as());
    expect(opts.body.options.user.name).toBe('ada');
    const { credential, response } = softRegister(opts.body.options, ORIGIN);
    const done = await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response, name: 'new laptop' }, as());
    expect(done.body).toMatchObject({ verified: true, signed_in: true, user: { username: 'ada' } });
    const signedIn = cookieOf(done)!;
    expect((await t.client.request('GET', '/auth/session', undefined, withCookie(signedIn))).body.user.username).toBe('ada');
    // The recovery session ended; its code is used; the new passkey signs in.
    expect((await post('/webauthn/register/options', {}, as())).body.error).toBe('invalid_body');
    expect((await post('/recover/validate', { code: codes[0]!.body.code })).body.error).toBe('recovery_code_invalid');
    expect((await signIn(credential)).status).toBe(200);
    const after = await t.client.request('GET', '/auth/recovery', undefined, withCookie(signedIn));
    const used = Object.fromEntries(after.body.recovery_codes.map((c: { id: string; used: boolean }) => [c.id, c.used]));
    expect(used).toEqual({ [codes[0]!.body.id]: true, [codes[1]!.body.id]: false });
  });

  it('§11.12 recovery sessions are too powerful: the code is bound server-side; only the newest recovery session of a code can use it, and only once under a race', async () => {
    const ada = await register('ada');
    const code = (await post('/auth/recovery', undefined, withCookie(ada.secret))).body.code as string;
    const first = cookieOf(await post('/recover/validate', { code }))!;
    const second = cookieOf(await post('/recover/validate', { code }))!;
    const attempt = async (secret: string) => {
      const opts = await post('/webauthn/register/options', {}, withCookie(secret));
      return post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response: softRegister(opts.body.options, ORIGIN).response }, withCookie(secret));
    };
    expect((await attempt(first)).body.error).toBe('recovery_code_invalid');
    const racers = await Promise.all([attempt(second), attempt(second)]);
    expect(racers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await t.client.request('GET', '/auth/passkeys', undefined, withCookie(ada.secret))).body.passkeys).toHaveLength(2);
  });

  it('recovery: an expired code, or one from a recovery session past its 15 minutes, is refused', async () => {
    const ada = await register('ada');
    const code = (await post('/auth/recovery', undefined, withCookie(ada.secret))).body.code as string;
    const recovery = cookieOf(await post('/recover/validate', { code }))!;
    clock.advance(15 * 60_000 + 1);
    expect((await post('/webauthn/register/options', {}, withCookie(recovery))).body.error).toBe('invalid_body');
    clock.advance(90 * 86_400_000);
    expect((await post('/recover/validate', { code })).body.error).toBe('recovery_code_invalid');
    expect((await post('/recover/validate', { code: 'recover_' + 'A'.repeat(43) })).body.error).toBe('recovery_code_invalid');
    expect((await post('/recover/validate', { code: 42 })).status).toBe(400);
  });

  it('every passkey route is rate limited per client', async () => {
    let last: JsonResponse | null = null;
    for (let i = 0; i < 11; i++) last = await post('/recover/validate', { code: 'recover_nope' });
    expect(last!.status).toBe(429);
    expect(last!.body.error).toBe('too_many_requests');
    for (let i = 0; i < 61; i++) last = await post('/webauthn/authenticate/options', {});
    expect(last!.body.error).toBe('too_many_requests');
  });
});
