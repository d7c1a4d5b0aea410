// /mcp served in-process over real TCP, where the test can see the server's internals: a
// cancelled sync_wait leaves no pending wait; a server that is not in local mode asks for a
// credential and refuses room creation to legacy tokens; sessions are bounded.
import { afterEach, describe, expect, it } from 'vitest';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { connectMcp, INIT, rawMcp } from '../support/mcp.js';
import { until } from '../support/until.js';
import { nodeCredentials } from '../../src/server/crypto/node-crypto.js';

let served: ServedApp | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

describe('sync_wait cancellation', () => {
  it('a client that cancels its sync_wait ends the wait on the server; progress came while it waited', async () => {
    served = await serveInProcess();
    const room = (await served.client.post('/rooms', { id: 'cancel-me' })).body;
    const c = await connectMcp(served.url, room.view_token);
    const controller = new AbortController();
    let progressed!: () => void;
    const sawProgress = new Promise<void>((r) => (progressed = r));
    const call = c.call('sync_wait', { room: 'cancel-me', condition: 'state._shared.go == true', timeout: 25_000 }, { signal: controller.signal, onprogress: () => progressed(), timeout: 60_000 });
    await sawProgress;
    expect(served.app.services.waits.stats().pending).toBe(1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await until(() => served!.app.services.waits.stats().pending === 0);
    expect(served.app.services.waits.stats().pending).toBe(0);
    // The session still serves.
    expect((await c.call('sync_eval_cel', { room: 'cancel-me', expr: '2' })).body).toEqual({ expression: '2', value: 2 });
    await c.close();
  });
});

describe('a server that is not in local mode', () => {
  it('answers a request without a credential 401 with a Bearer challenge, and legacy tokens cannot create rooms', async () => {
    served = await serveInProcess(['--host', '0.0.0.0']);
    const res = await rawMcp(served.url, INIT());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="http:\/\/[^"]+\/.well-known\/oauth-protected-resource\/mcp", scope="rooms:\* create_rooms"$/);
    expect(await res.json()).toMatchObject({ error: 'authentication_required' });
    // Rooms exist only through the operator here: put one in the store with a minted admin token.
    const admin = nodeCredentials.mint('room_');
    const view = nodeCredentials.mint('view_');
    await served.app.store.createRoom({ id: 'ops-room', createdAt: Date.now(), meta: {}, tokenHash: admin.hash, viewTokenHash: view.hash });
    const c = await connectMcp(served.url, admin.token);
    const refused = await c.call('sync_create_room', { id: 'more' });
    expect(refused.code, refused.text).toBe('scope_denied');
    expect((await c.call('sync_lobby')).body).toMatchObject({ can_create_rooms: false, rooms: [{ id: 'ops-room', access: 'admin' }] });
    await c.close();
  });
});

describe('session bounds', () => {
  it('a notification without a session is refused and leaves no session behind', async () => {
    served = await serveInProcess();
    const room = (await served.client.post('/rooms', { id: 'bounds' })).body;
    const res = await rawMcp(served.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { authorization: `Bearer ${room.token}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await res.text();
    expect((await served.app.mcp()).sessionCount).toBe(0);
    const c = await connectMcp(served.url, room.token);
    expect((await served.app.mcp()).sessionCount).toBe(1);
    await c.transport.terminateSession();
    await c.close();
    expect((await served.app.mcp()).sessionCount).toBe(0);
  });

  it('one credential keeps at most 32 sessions: its oldest goes, another credential\u2019s stays', async () => {
    served ??= await serveInProcess();
    const room = (await served.client.post('/rooms', { id: 'many-sessions' })).body;
    const other = await connectMcp(served.url, room.view_token);
    const mine = [];
    for (let i = 0; i < 33; i++) mine.push(await connectMcp(served.url, room.token));
    const endpoint = await served.app.mcp();
    await until(() => endpoint.sessionCount === 33);
    await expect(mine[0]!.client.ping()).rejects.toThrow();
    await mine[1]!.client.ping();
    await other.client.ping();
    for (const c of [other, ...mine]) await c.close().catch(() => undefined);
  });
});

describe('the beach tools seam (D26)', () => {
  it('tools given as mcpBeachTools are served on /mcp beside the sync tools and, without a credential, alone on /mcp/beach', async () => {
    const { serve } = await import('@hono/node-server');
    const pino = (await import('pino')).default;
    const { z } = await import('zod');
    const { createApp } = await import('../../src/server/app.js');
    const { loadConfig } = await import('../../src/server/config.js');
    const { MemoryRoomStore } = await import('../../src/server/storage/memory/memory-room-store.js');
    const calls: unknown[] = [];
    const beachTools = [{ name: 'bsp_echo', description: 'echo', inputSchema: z.strictObject({ say: z.string() }), handler: async (args: Record<string, unknown>) => (calls.push(args), { said: args.say }) }];
    // Not local mode: /mcp needs a credential, /mcp/beach does not.
    const app = createApp(loadConfig(['--store', 'memory', '--host', '0.0.0.0'], {}), { store: new MemoryRoomStore(), log: pino({ level: 'silent' }), mcpBeachTools: beachTools });
    await app.start();
    app.setReady(true);
    const { server, url } = await new Promise<{ server: ReturnType<typeof serve>; url: string }>((done) => {
      const s = serve({ fetch: app.http.fetch, hostname: '127.0.0.1', port: 0 }, (info) => done({ server: s, url: `http://127.0.0.1:${info.port}` }));
    });
    try {
      const open = await connectMcp(url, undefined, '/mcp/beach');
      expect((await open.client.listTools()).tools.map((t) => t.name)).toEqual(['bsp_echo']);
      expect(await open.call('bsp_echo', { say: 'hi' })).toMatchObject({ isError: false });
      expect(calls).toEqual([{ say: 'hi' }]);
      expect((await open.call('bsp_echo', { say: 1 })).code).toBe('invalid_body');
      await expect(open.client.listResources()).rejects.toThrow();
      await open.close();
      expect((await rawMcp(url, INIT())).status).toBe(401);
    } finally {
      await new Promise<void>((done) => {
        server.close(() => done());
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      });
      await app.close();
    }
  });
});
