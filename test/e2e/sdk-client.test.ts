// The client SDK against real servers: typed errors, retries on 503 and refused connections,
// and an event subscription that resumes across a server restart without loss or repetition.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentSyncClient, AgentSyncError, isAgentSyncError, type FeedEvent } from '../../src/client/index.js';
import { serveInProcess } from '../support/in-process-server.js';
import { removeDir, startServer, tempDataDir, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('client SDK', () => {
  it('types errors by their D2 code and status', async () => {
    const served = await serveInProcess();
    cleanups.push(() => served.close());
    const client = new AgentSyncClient({ baseUrl: served.url });
    const room = await client.createRoom({ id: 'typed' });
    const admin = client.withToken(room.token);
    const missing = await admin.invoke('typed', 'no_such_action').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AgentSyncError);
    expect(missing).toMatchObject({ code: 'action_not_found', status: 404 });
    const duplicate = await client.createRoom({ id: 'typed' }).catch((e: unknown) => e);
    expect(isAgentSyncError(duplicate, 'room_exists')).toBe(true);
    const badCel = await admin.eval('typed', 'state.(').catch((e: unknown) => e);
    expect(badCel).toMatchObject({ code: 'invalid_cel', status: 400 });
    expect((badCel as AgentSyncError).details.field).toBe('expr');
  });

  it('pages rooms and updates a room through the typed methods', async () => {
    const served = await serveInProcess();
    cleanups.push(() => served.close());
    const client = new AgentSyncClient({ baseUrl: served.url });
    const created = [];
    for (const id of ['p1', 'p2', 'p3']) created.push(await client.createRoom({ id }));
    const first = await client.listRoomPage({ limit: 2 });
    expect(first.rooms).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = await client.listRoomPage({ limit: 2, after: first.next! });
    expect(new Set([...first.rooms, ...second.rooms].map((r) => r.id))).toEqual(new Set(['p1', 'p2', 'p3']));
    expect(second.next).toBeNull();
    const updated = await client.withToken(created[0]!.token).updateRoom('p1', { meta: { open_join: true } });
    expect(updated.meta).toEqual({ open_join: true });
  });

  it('retries a read through 503 answers until the server is ready', async () => {
    const served = await serveInProcess();
    cleanups.push(() => served.close());
    served.app.setReady(false);
    const client = new AgentSyncClient({ baseUrl: served.url, retry: { retries: 8, baseDelayMs: 20, maxDelayMs: 50 } });
    setTimeout(() => served.app.setReady(true), 120);
    await expect(client.health()).resolves.toEqual({ ok: true });
    served.app.setReady(false);
    const impatient = new AgentSyncClient({ baseUrl: served.url, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 5 } });
    await expect(impatient.health()).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
  });

  it('retries a refused connection (nothing was sent) and reports a network error when it persists', async () => {
    const port = await freePort();
    const client = new AgentSyncClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 5 } });
    await expect(client.createRoom({ id: 'x' })).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('follows events across a server restart without losing or repeating one', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const args = ['--port', String(port)];
    let server: ServerProcess = await startServer({ dataDir, args });
    cleanups.push(async () => {
      await server.stop();
      removeDir(dataDir);
    });
    const base = new AgentSyncClient({ baseUrl: server.url, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
    const room = await base.createRoom({ id: 'stream' });
    const admin = base.withToken(room.token);
    await admin.invoke('stream', '_register_action', { id: 'bump', writes: [{ scope: '_shared', key: 'n', increment: 1 }] });
    const alice = base.withToken((await base.join('stream', { id: 'alice' })).token);

    const seen: FeedEvent[] = [];
    const stop = new AbortController();
    const following = (async () => {
      for await (const event of alice.events('stream', { signal: stop.signal })) seen.push(event);
    })();
    for (let i = 0; i < 5; i++) await alice.invoke('stream', 'bump');
    await until(() => seen.length >= 7, 4000);

    await server.stop();
    server = await startServer({ dataDir, args });
    for (let i = 0; i < 5; i++) await alice.invoke('stream', 'bump');
    await until(() => seen.length >= 12, 4000);
    stop.abort();
    await following;

    const seqs = seen.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const poll = await admin.poll('stream', { limit: 100 });
    const committed = poll.audit.map((r) => r.seq as number).filter((s) => s > 0).sort((a, b) => a - b);
    expect(seqs).toEqual(committed);
    expect(seen.filter((e) => e.kind === 'invoke' && e.data.action === 'bump')).toHaveLength(10);
    const n = await admin.eval('stream', 'state._shared.n');
    expect(n.value).toBe(10);
  });
});
