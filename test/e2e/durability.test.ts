// D24: an invocation acknowledged to a client survives kill -9 of the server (SQLite in WAL mode,
// or PostgreSQL on the PostgreSQL pass).
import { describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer } from '../support/server-process.js';

describe('durability (real server)', () => {
  it('keeps every acknowledged invocation across kill -9', async () => {
    let server = await startServer();
    try {
      const anon = new TestClient(server.url);
      await anon.post('/rooms', { id: 'd' });
      const token = (await anon.post('/rooms/d/agents', { id: 'alice' })).body.token;
      let alice = anon.as(token);
      await alice.invoke('d', '_register_action', { id: 'inc', writes: [{ key: 'n', increment: 1 }] });
      await alice.invoke('d', '_register_action', { id: 'note', params: { text: { type: 'string' } }, writes: [{ key: 'notes', append: true, value: '${params.text}' }] });
      const acknowledged = await Promise.all(Array.from({ length: 40 }, (_, i) => alice.invoke('d', i % 2 ? 'inc' : 'note', { text: `n${i}` })));
      expect(acknowledged.every((r) => r.status === 200)).toBe(true);
      await server.kill();

      server = await startServer({ dataDir: server.dataDir });
      alice = new TestClient(server.url).as(token);
      const state = (await alice.context('d', '?only=state')).body.state._shared;
      expect(state.n).toBe(20);
      expect([...state.notes].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `n${i * 2}`).sort());
      const audit = await alice.get('/rooms/d/poll?limit=100');
      expect(audit.body.audit.filter((a: { kind: string; builtin: boolean }) => a.kind === 'invoke' && !a.builtin)).toHaveLength(40);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  });
});
