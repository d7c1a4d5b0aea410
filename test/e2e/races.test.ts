// Concurrency against a real server process on SQLite (D11): racing invocations leave exact
// effects, exactly one racing claim wins, and seqs stay distinct and gap-free.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

const ROOM = 'races';

describe('races (real server, SQLite)', () => {
  let server: ServerProcess;
  let anon: TestClient;
  let admin: TestClient;
  const agents: Record<string, TestClient> = {};

  async function library(id: string): Promise<Record<string, unknown>> {
    const res = await admin.invoke(ROOM, 'help', { key: 'standard_library' });
    expect(res.status).toBe(200);
    const entry = res.body.content.find((e: { id: string }) => e.id === id);
    expect(entry, id).toBeDefined();
    return entry;
  }

  /** The whole audit log as the admin sees it, oldest first. */
  async function auditLog(): Promise<any[]> {
    const out: any[] = [];
    let before: number | null | undefined;
    do {
      const res = await admin.get(`/rooms/${ROOM}/poll?limit=500${before ? `&before=${before}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...res.body.audit);
      before = res.body.next_before;
    } while (before);
    return out.reverse();
  }

  beforeAll(async () => {
    server = await startServer();
    anon = new TestClient(server.url);
    const room = await anon.post('/rooms', { id: ROOM });
    expect(room.status).toBe(201);
    admin = anon.as(room.body.token);
    for (let i = 0; i < 20; i++) {
      const id = `agent${i}`;
      const joined = await anon.post(`/rooms/${ROOM}/agents`, { id });
      expect(joined.status).toBe(201);
      agents[id] = anon.as(joined.body.token);
    }
    for (const id of ['increment', 'claim']) {
      const registered = await admin.invoke(ROOM, '_register_action', await library(id));
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    }
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('50 concurrent increments add exactly 50, each audited once', async () => {
    const ids = Object.keys(agents);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => agents[ids[i % ids.length]!]!.invoke(ROOM, 'increment', { key: 'counter' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const values = results.map((r) => r.body.writes[0].value).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const value = await admin.post(`/rooms/${ROOM}/eval`, { expr: 'state._shared.counter' });
    expect(value.body.value).toBe(50);
    const audited = (await auditLog()).filter((e) => e.action === 'increment');
    expect(audited).toHaveLength(50);
    expect(audited.every((e) => e.ok === true)).toBe(true);
  });

  it('20 agents racing for one slot: exactly one wins, 19 get precondition_failed', async () => {
    const ids = Object.keys(agents);
    const results = await Promise.all(ids.map((id) => agents[id]!.invoke(ROOM, 'claim', { key: 'slot' })));
    const winners = results.map((r, i) => ({ r, id: ids[i]! })).filter(({ r }) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser.status).toBe(409);
      expect(loser.body.error).toBe('precondition_failed');
    }
    const slot = await admin.post(`/rooms/${ROOM}/eval`, { expr: 'state._shared.slot' });
    expect(slot.body.value).toBe(winners[0]!.id);
    const audited = (await auditLog()).filter((e) => e.action === 'claim');
    expect(audited.filter((e) => e.ok).map((e) => e.agent)).toEqual([winners[0]!.id]);
    expect(audited.filter((e) => !e.ok && e.error === 'precondition_failed')).toHaveLength(19);
  });

  it('concurrent registrations of one action id serialise: one creates, the others redefine', async () => {
    const ids = Object.keys(agents);
    const results = await Promise.all(
      ids.map((id, i) =>
        agents[id]!.invoke(ROOM, '_register_action', {
          id: 'contended',
          description: `version ${i}`,
          writes: [{ scope: '_shared', key: `contended.${i}`, value: i }],
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const warned = (r: (typeof results)[number]) => (r.body.warnings ?? []).includes('action_redefined');
    expect(results.filter((r) => !warned(r))).toHaveLength(1);
    expect(results.filter(warned)).toHaveLength(19);
    const registrations = (await auditLog()).filter((e) => e.action === '_register_action' && e.detail?.definition?.id === 'contended');
    expect(registrations).toHaveLength(20);
    // The stored definition is the last one committed.
    const last = registrations[registrations.length - 1];
    const ctx = await admin.context(ROOM, '?only=actions&depth=full');
    expect(ctx.body.actions.contended.description).toBe(last.detail.definition.description);
    expect(ctx.body.actions.contended.writes).toEqual(last.detail.definition.writes);
  });

  it('concurrent messages get distinct consecutive seqs with no gaps', async () => {
    const ids = Object.keys(agents);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => agents[ids[i % ids.length]!]!.invoke(ROOM, '_send_message', { body: `message ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(200));
    const seqs = results.map((r) => r.body.seq as number).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(60);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => seqs[0]! + i));
    const ctx = await admin.context(ROOM, '?only=messages&messages_limit=500');
    const recent = ctx.body.messages.recent as Array<{ seq: number; body: string }>;
    expect(recent.map((m) => m.seq)).toEqual(Array.from({ length: recent.length }, (_, i) => i + 1));
    expect(ctx.body.messages.count).toBe(recent.length);
    for (let i = 0; i < 60; i++) expect(recent.some((m) => m.body === `message ${i}`)).toBe(true);
  });

  it('the audit log has distinct, consecutive seqs after all the races', async () => {
    const seqs = (await auditLog()).map((e) => e.seq as number);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});
