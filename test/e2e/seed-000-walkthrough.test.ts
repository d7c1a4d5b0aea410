// Seed 000's walkthrough, black-box against a real server process on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

describe('seed 000 walkthrough (real server, SQLite)', () => {
  let server: ServerProcess;
  let anon: TestClient;

  beforeAll(async () => {
    server = await startServer();
    anon = new TestClient(server.url);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('creates a room, joins alice, bootstraps vocabulary, invokes and evaluates', async () => {
    const health = await anon.get('/healthz');
    expect(health.status).toBe(200);

    const room = await anon.post('/rooms', { id: 'my-room' });
    expect(room.status).toBe(201);
    expect(room.body).toMatchObject({ id: 'my-room' });
    expect(room.body.token).toMatch(/^room_[0-9a-f]{48}$/);
    expect(room.body.view_token).toMatch(/^view_[0-9a-f]{48}$/);

    const joined = await anon.post('/rooms/my-room/agents', { id: 'alice', name: 'Alice', role: 'agent' });
    expect(joined.status).toBe(201);
    expect(joined.body.token).toMatch(/^as_[0-9a-f]{48}$/);
    const alice = anon.as(joined.body.token);

    const ctx = await alice.context('my-room');
    expect(ctx.status).toBe(200);
    expect(ctx.body._context.help).toContain('vocabulary_bootstrap');
    expect(ctx.body.self).toBe('alice');

    const library = await alice.invoke('my-room', 'help', { key: 'standard_library' });
    expect(library.status).toBe(200);
    expect(library.body.source).toBe('system');
    expect(library.body.content.map((a: { id: string }) => a.id)).toContain('submit_result');

    const registered = await alice.invoke('my-room', '_register_action', {
      id: 'submit_result',
      description: 'Submit a result keyed to your identity',
      params: { result: { type: 'any' } },
      writes: [{ scope: '_shared', key: '${self}.result', value: '${params.result}' }],
    });
    expect(registered.status).toBe(201);
    expect(registered.body.warning).toBeUndefined();

    const invoked = await alice.invoke('my-room', 'submit_result', { result: '42' });
    expect(invoked.status).toBe(200);
    expect(invoked.body).toMatchObject({ invoked: true, writes: [{ scope: '_shared', key: 'alice.result', value: '42' }] });

    const after = await alice.context('my-room');
    expect(after.body.state._shared['alice.result']).toBe('42');
    expect(after.body._context.help ?? []).not.toContain('vocabulary_bootstrap');

    const evaluated = await alice.post('/rooms/my-room/eval', { expr: 'state._shared["alice.result"] == "42" && self == "alice"' });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toEqual({ expression: 'state._shared["alice.result"] == "42" && self == "alice"', value: true });
  });
});
