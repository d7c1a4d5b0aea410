// The SDK's identity methods against a served app: tokens API, refresh, device flow, invite, claim.
import { afterAll, describe, expect, it } from 'vitest';
import { AgentSyncClient, isAgentSyncError } from '../../src/client/index.js';
import { serveInProcess } from '../support/in-process-server.js';
import { closeIdentityBackends, IDENTITY_BACKENDS, onClose } from '../support/identity-backends.js';
import { signedInSession } from '../support/sessions.js';

afterAll(closeIdentityBackends);
const BACKENDS = IDENTITY_BACKENDS;

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isAgentSyncError(e) ? e.code : String(e)));

for (const backend of BACKENDS) describe.skipIf(backend.skip)(`client SDK: identity (${backend.name})`, () => {
  it('mints, lists, narrows, refreshes and revokes tokens; starts and polls device auth; invites and claims', async () => {
    const served = await serveInProcess(await backend.args());
    onClose(() => served.close());
    const anonymous = new AgentSyncClient({ baseUrl: served.url, retry: { retries: 0 } });
    const legacy = await anonymous.createRoom({ id: 'old' });
    const identity = served.app.identity;
    const ada = await identity.createUser('ada');
    await identity.createUser('bob');
    const manager = anonymous.withToken((await identity.operatorMint(ada.id, { scope: 'rooms:* create_rooms tokens:manage' })).token);

    await manager.createRoom({ id: 'lab' });
    const minted = await manager.mintToken({ scope: 'rooms:lab', label: 'sdk', with_refresh: true });
    expect(minted).toMatchObject({ scope: 'rooms:lab', label: 'sdk', revoked: false });
    expect((await manager.listTokens()).tokens.map((t) => t.id)).toContain(minted.id);
    expect((await manager.patchToken(minted.id, { scope: 'rooms:lab:read' })).previous_scope).toBe('rooms:lab');
    const grant = await anonymous.refreshToken(minted.refresh_token!);
    expect(grant.scope).toBe('rooms:lab:read');
    expect(await codeOf(anonymous.refreshToken(minted.refresh_token!))).toBe('invalid_grant');
    const other = (await manager.mintToken({ scope: 'rooms:lab:read' })).id;
    expect(await manager.revokeToken(other)).toEqual({ revoked: true, id: other });

    const start = await anonymous.startDeviceAuth({ scope: 'rooms:lab' });
    expect(await codeOf(anonymous.pollDeviceAuth(start.device_code))).toBe('authorization_pending');

    expect(await manager.invite('lab', { username: 'bob', role: 'observer' })).toEqual({ invited: true, username: 'bob', room: 'lab', role: 'observer' });
    expect(await manager.claimRoom('old', legacy.token)).toEqual({ claimed: true, room: 'old', role: 'owner' });
    expect((await manager.context('old')).state).toBeDefined();
  });

  it('GET /auth/session names the signed-in user, and answers 401 when signed out, expired or signed out', async () => {
    const served = await serveInProcess(await backend.args());
    onClose(() => served.close());
    const session = await signedInSession(served.app, 'cleo');
    const signedOut = await fetch(`${served.url}/auth/session`);
    expect(signedOut.status).toBe(401);
    expect(((await signedOut.json()) as { error: string }).error).toBe('authentication_required');
    expect((await fetch(`${served.url}/auth/session`, { headers: { cookie: 'sync_session=sess_forged' } })).status).toBe(401);
    const info = (await (await fetch(`${served.url}/auth/session`, { headers: { cookie: session.cookie } })).json()) as { user: unknown; expires_at: string };
    expect(info.user).toEqual({ id: session.userId, username: 'cleo', created_at: expect.any(String) });
    expect(Date.parse(info.expires_at)).toBeGreaterThan(Date.now());
    await served.app.identity.endSession(session.secret);
    expect((await fetch(`${served.url}/auth/session`, { headers: { cookie: session.cookie } })).status).toBe(401);
  });
});
