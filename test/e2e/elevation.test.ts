// Scope elevation (sync-auth §5, §11 item 11) over HTTP on SQLite and PostgreSQL: a scope_denied
// links to /auth/elevate; the signed-in owner of the token raises it within their role in the room,
// and the refused call then succeeds. Each refusal is a test: another user's token, a level above
// the role, a revoked or expired token, a room without a role, no session, a cross-origin post.
// The SDK's onElevationRequired repeats the call after the approval, a bounded number of times.
import { afterAll, describe, expect, it } from 'vitest';
import { AgentSyncClient, isAgentSyncError } from '../../src/client/index.js';
import { closeWorlds, IDENTITY_BACKENDS, PUBLIC, world, type World } from '../support/approval-world.js';
import { signedInSession, type TestSession } from '../support/sessions.js';

afterAll(closeWorlds);

interface Setup {
  w: World;
  bob: TestSession;
  /** Bob's token: create_rooms only, so the lab is out of its scope. */
  bobToken: string;
  link: URL;
}

/** Ada owns `lab` (and `secret`); Bob participates in `lab`; Bob's token is refused in `lab`. */
async function setup(args: string[]): Promise<Setup> {
  const w = await world(args);
  const owner = w.client.as((await w.app.identity.operatorMint(w.ada.userId, { scope: 'create_rooms' })).token);
  expect((await owner.post('/rooms', { id: 'lab' })).status).toBe(201);
  expect((await owner.post('/rooms', { id: 'secret' })).status).toBe(201);
  const bob = await signedInSession(w.app, 'bob');
  expect((await owner.post('/rooms/lab/invite', { username: 'bob', role: 'participant' })).status).toBe(200);
  const bobToken = (await w.app.identity.operatorMint(bob.userId, { scope: 'create_rooms', label: 'bob cli' })).token;
  const refused = await w.client.as(bobToken).get('/rooms/lab/context');
  expect([refused.status, refused.body.error]).toEqual([403, 'scope_denied']);
  const link = new URL(refused.body.elevate);
  expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC}/auth/elevate`);
  return { w, bob, bobToken, link };
}

const target = (link: URL) => ({ token_id: link.searchParams.get('token_id')!, room: link.searchParams.get('room')! });

for (const backend of IDENTITY_BACKENDS) describe.skipIf(backend.skip)(`scope elevation (${backend.name})`, () => {
  it('the owner of the token sees it and their role, approves a level within the role, and the refused call succeeds', async () => {
    const { w, bob, bobToken, link } = await setup(await backend.args());
    const looked = await w.page('/auth/elevate/lookup', target(link), bob);
    expect(looked.body).toMatchObject({ token: { label: 'bob cli', scope: 'create_rooms' }, room: 'lab', role: 'participant', max_level: 'write', current_level: null });
    const approved = await w.page('/auth/elevate/approve', { ...target(link), level: 'write' }, bob);
    expect(approved.body).toMatchObject({ elevated: true, room: 'lab', level: 'write', scope: 'rooms:lab:write create_rooms', previous_scope: 'create_rooms' });
    expect((await w.client.as(bobToken).get('/rooms/lab/context')).status).toBe(200);
    // raising only: asking for less than the token has changes nothing
    const again = await w.page('/auth/elevate/approve', { ...target(link), level: 'read' }, bob);
    expect(again.body).toMatchObject({ elevated: false, level: 'write', scope: 'rooms:lab:write create_rooms' });
  });

  it('refused: a level above the role (a participant cannot grant full)', async () => {
    const { w, bob, link } = await setup(await backend.args());
    const refused = await w.page('/auth/elevate/approve', { ...target(link), level: 'full' }, bob);
    expect([refused.status, refused.body.error, refused.body.max_level]).toEqual([403, 'scope_denied', 'write']);
    expect((await w.page('/auth/elevate/lookup', target(link), bob)).body.token.scope).toBe('create_rooms');
  });

  it("refused: another user's token, even by the room's owner, answers as an unknown token", async () => {
    const { w, link } = await setup(await backend.args());
    expect((await w.page('/auth/elevate/lookup', target(link))).body.error).toBe('token_not_found');
    const refused = await w.page('/auth/elevate/approve', { ...target(link), level: 'read' });
    expect([refused.status, refused.body.error]).toEqual([404, 'token_not_found']);
  });

  it('refused: a revoked token, and an expired one', async () => {
    const { w, bob, link } = await setup(await backend.args());
    const expiring = await w.app.identity.operatorMint(bob.userId, { scope: 'create_rooms', expires_in: 60 });
    expect((await w.client.request('DELETE', `/tokens/${target(link).token_id}`, undefined, { cookie: bob.cookie, origin: PUBLIC, host: new URL(PUBLIC).host })).status).toBe(200);
    const revoked = await w.page('/auth/elevate/approve', { ...target(link), level: 'read' }, bob);
    expect([revoked.status, revoked.body.error]).toEqual([409, 'token_revoked']);
    w.clock.advance(61_000);
    const expired = await w.page('/auth/elevate/approve', { token_id: expiring.id, room: 'lab', level: 'read' }, bob);
    expect([expired.body.error, expired.body.expired]).toEqual(['token_revoked', true]);
  });

  it('refused: a room the user has no role in (elevation never grants what the role does not)', async () => {
    const { w, bob, link } = await setup(await backend.args());
    const refused = await w.page('/auth/elevate/approve', { ...target(link), room: 'secret', level: 'read' }, bob);
    expect([refused.status, refused.body.error]).toEqual([403, 'not_member']);
  });

  it('refused: no session, a forged session, a cross-origin post, hostile input', async () => {
    const { w, bob, link } = await setup(await backend.args());
    const body = { ...target(link), level: 'write' };
    expect((await w.client.post('/auth/elevate/approve', body)).body.error).toBe('authentication_required');
    expect((await w.page('/auth/elevate/approve', body, { ...bob, cookie: 'sync_session=sess_nope' })).body.error).toBe('authentication_required');
    expect((await w.page('/auth/elevate/approve', body, bob, 'https://evil.example')).body.error).toBe('origin_not_allowed');
    expect((await w.client.request('POST', '/auth/elevate/approve', body, { cookie: bob.cookie })).body.error).toBe('authentication_required');
    for (const hostile of [
      { ...body, level: 'admin' }, { ...body, level: '__proto__' }, { ...body, room: '../lab' }, { ...body, room: 'x'.repeat(300) },
      { ...body, token_id: 7 }, { ...body, extra: true }, { token_id: '__proto__', room: 'lab', level: 'read' },
    ]) {
      expect(['invalid_body', 'token_not_found']).toContain((await w.page('/auth/elevate/approve', hostile, bob)).body.error);
    }
    expect((await w.page('/auth/elevate/lookup', target(link), bob)).body.token.scope).toBe('create_rooms');
  });

  it('two approvals racing on one token both land (compare-and-set, no lost update)', async () => {
    const { w, bob, bobToken, link } = await setup(await backend.args());
    const owner = w.client.as((await w.app.identity.operatorMint(w.ada.userId, { scope: 'create_rooms' })).token);
    const rooms = ['r1', 'r2', 'r3', 'r4'];
    for (const id of rooms) {
      await owner.post('/rooms', { id });
      await owner.post(`/rooms/${id}/invite`, { username: 'bob', role: 'observer' });
    }
    const results = await Promise.all(rooms.map((room) => w.page('/auth/elevate/approve', { token_id: target(link).token_id, room, level: 'read' }, bob)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const room of rooms) expect((await w.client.as(bobToken).get(`/rooms/${room}/context`)).status).toBe(200);
  });

  it('SDK: onElevationRequired gets the link, the approval happens, the call is repeated and succeeds; repeats are bounded', async () => {
    const { w, bob, bobToken } = await setup(await backend.args());
    const asBob = { cookie: bob.cookie, origin: PUBLIC, host: new URL(PUBLIC).host };
    const fetcher: typeof fetch = async (input, init) => w.app.http.request(String(input), init);
    const page = new AgentSyncClient({ baseUrl: 'http://local', fetch: fetcher, headers: asBob });
    const seen: string[] = [];
    const client = new AgentSyncClient({
      baseUrl: 'http://local', token: bobToken, fetch: fetcher,
      onElevationRequired: async (url, error) => {
        seen.push(error.code);
        const link = new URL(url);
        await page.approveElevation(link.searchParams.get('token_id')!, link.searchParams.get('room')!, 'write');
        return true;
      },
    });
    expect((await client.context('lab')).state).toBeDefined();
    expect(seen).toEqual(['scope_denied']);

    // A caller that says yes without anyone approving gets the error after elevationRetries repeats.
    let asked = 0;
    const stubborn = new AgentSyncClient({ baseUrl: 'http://local', token: bobToken, fetch: fetcher, elevationRetries: 2, onElevationRequired: async () => (asked++, true) });
    const refused = await stubborn.context('secret').catch((e: unknown) => e);
    expect(isAgentSyncError(refused, 'scope_denied')).toBe(true);
    expect(asked).toBe(2);
    // declining stops at once
    const declining = new AgentSyncClient({ baseUrl: 'http://local', token: bobToken, fetch: fetcher, onElevationRequired: async () => false });
    expect(isAgentSyncError(await declining.context('secret').catch((e: unknown) => e), 'scope_denied')).toBe(true);
  });
});
