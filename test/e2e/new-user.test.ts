// What a first-time user hit (issue 7): seed 004's routes named with their equivalents, a wait
// as an agent without a token, a wait whose condition errors until it times out, and setting
// `open_join` on a server that is not in local mode.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import { TestClient } from '../support/http-client.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

const q = (condition: string, extra = '') => `?condition=${encodeURIComponent(condition)}${extra}`;

describe('seed 004 routes', () => {
  it('answer 404 with the equivalent and a pointer to docs/patterns.md', async () => {
    const { app, client } = inProcessApp();
    const { admin } = await roomWithAgents(client, 'r', ['alice']);
    const a = client.as(admin);
    const cases: Array<[string, string, RegExp]> = [
      ['PUT', '/rooms/r/state', /_register_action.*invoke/],
      ['PUT', '/rooms/r/state/batch', /_register_action.*atomically/],
      ['GET', '/rooms/r/state', /context/],
      ['PUT', '/rooms/r/actions', /_register_action/],
      ['GET', '/rooms/r/actions', /context\?only=actions/],
      ['POST', '/rooms/r/messages', /_send_message/],
      ['GET', '/rooms/r/messages?unclaimed=true&kind=task', /context\?only=messages/],
      ['POST', '/rooms/r/messages/42/claim', /claim action/],
    ];
    for (const [method, path, equivalent] of cases) {
      const res = await a.request(method, path, method === 'GET' ? undefined : { key: 'x', value: 1 });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe('route_not_found');
      expect(res.body.message).toMatch(equivalent);
      expect(res.body.see).toBe('docs/patterns.md');
    }
    await app.close();
  });
});

describe('waits a new user got wrong', () => {
  it('a wait as an agent without any token says a token is needed (401), not that this token cannot', async () => {
    const { app, client } = inProcessApp();
    await roomWithAgents(client, 'r', ['white']);
    const res = await client.get(`/rooms/r/wait${q('true', '&agent=white')}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'authentication_required' });
    expect(res.body.message).toMatch(/white's agent token/);
    await app.close();
  });

  it('a wait whose condition errors times out with the last evaluation error', async () => {
    const { app, client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'r', ['alice']);
    const res = await client.as(tokens.alice).get(`/rooms/r/wait${q('state._shared.nope == 1', '&timeout=50')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ triggered: false, timeout: true });
    expect(res.body.last_error).toMatchObject({ error: 'cel_error' });
    expect(res.body.last_error.detail).toMatch(/nope/);
    expect(typeof res.body.last_error.hint).toBe('string');
    const clean = await client.as(tokens.alice).get(`/rooms/r/wait${q('false', '&timeout=10')}`);
    expect(clean.body.last_error).toBeUndefined();
    await app.close();
  });

  it('the last error of a condition over a view hides what only the view owner may read', async () => {
    const { app, client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const alice = client.as(tokens.alice);
    await alice.invoke('r', '_register_action', { id: 'set', writes: [{ scope: '${self}', key: 'secret', value: 'plan-xyz' }] });
    await alice.invoke('r', 'set');
    await alice.invoke('r', '_register_view', { id: 'v', expr: 'int(state.alice.secret)' });
    const res = await client.as(tokens.bob).get(`/rooms/r/wait${q('views.v > 1', '&timeout=20')}`);
    expect(res.body.timeout).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('plan-xyz');
    await app.close();
  });
});

describe('PATCH /rooms/:id', () => {
  it('lets the room admin set open_join on a server that is not in local mode, audited', async () => {
    const store = new MemoryRoomStore();
    const local = inProcessApp({ store });
    const created = await local.client.post('/rooms', { id: 'pub', meta: { label: 'Public' } });
    const remote = createApp(loadConfig(['--store', 'memory', '--host', '0.0.0.0'], {}), { store, log: pino({ level: 'silent' }) });
    remote.setReady(true);
    const anon = new TestClient('http://remote', async (url, init) => remote.http.request(url, init));
    const admin = anon.as(created.body.token);
    expect((await anon.post('/rooms/pub/agents', { id: 'guest' })).status).toBe(403);

    expect((await anon.request('PATCH', '/rooms/pub', { meta: { open_join: true } })).status).toBe(401);
    const patched = await admin.request('PATCH', '/rooms/pub', { meta: { open_join: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.meta).toEqual({ label: 'Public', open_join: true });
    const guest = await anon.post('/rooms/pub/agents', { id: 'guest' });
    expect(guest.status).toBe(201);
    expect((await anon.as(guest.body.token).request('PATCH', '/rooms/pub', { meta: { open_join: false } })).body.error).toBe('admin_required');

    const removed = await admin.request('PATCH', '/rooms/pub', { meta: { label: null } });
    expect(removed.body.meta).toEqual({ open_join: true });
    const log = await admin.get('/rooms/pub/poll');
    const updates = log.body.audit.filter((l: { kind: string }) => l.kind === 'room_update');
    expect(updates).toHaveLength(2);
    expect((await remote.store.getRoom('pub'))!.meta).toEqual({ open_join: true });

    for (const bad of [{}, { meta: 'x' }, { meta: { open_join: 'yes' } }, { name: 'n' }]) {
      const res = await admin.request('PATCH', '/rooms/pub', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toBe('invalid_body');
    }
    await local.app.close();
  });
});

describe('errors never echo unbounded input', () => {
  it('a 900 KB id, field name or help key comes back cut short', async () => {
    const { app, client } = inProcessApp();
    await client.post('/rooms', { id: 'r' });
    const huge = 'i'.repeat(900_000);
    const answers = [
      await client.post('/rooms/r/agents', { id: huge }),
      await client.post('/rooms', { id: huge }),
      await client.post('/rooms/r/agents', { id: 'a', [huge]: 1 }),
      await client.post('/rooms', { id: 'r2', [huge]: 1 }),
    ];
    const { tokens } = await roomWithAgents(client, 'r3', ['alice']);
    answers.push(await client.as(tokens.alice).invoke('r3', 'help', { key: huge }));
    answers.push(await client.as(tokens.alice).invoke('r3', '_register_action', { id: huge, writes: [] }));
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
    }
    await app.close();
  });
});
