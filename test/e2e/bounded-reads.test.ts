// Default reads are bounded (finding 9): long message bodies are cut in context with a marker and
// read whole on request, /poll pages its state rows, GET /rooms pages rooms, and audit records
// show large params and values as a summary.
import { describe, expect, it } from 'vitest';
import { MAX_FULL_MESSAGES, MESSAGE_BODY_IN_CONTEXT, POLL_STATE_PAGE } from '../../src/core/limits.js';
import type { JsonResponse } from '../support/http-client.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

describe('bounded reads', () => {
  it('cuts long message bodies in context, marks them, and reads them whole on request', async () => {
    const { client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const alice = client.as(tokens.alice);
    const bob = client.as(tokens.bob);
    const long = 'é'.repeat(100_000);
    for (let i = 0; i < 5; i++) expect((await alice.invoke('r', '_send_message', { body: `${i}${long}` })).status).toBe(200);
    await alice.invoke('r', '_send_message', { body: { list: Array.from({ length: 3000 }, (_, i) => i) } });
    await alice.invoke('r', '_send_message', { body: 'short' });

    const res = await bob.context('r', '?only=messages');
    expect(JSON.stringify(res.body).length).toBeLessThan(60_000);
    const recent = res.body.messages.recent as Array<Record<string, unknown>>;
    expect(recent).toHaveLength(7);
    expect(recent[0]).toMatchObject({ seq: 1, truncated: true, length: 100_001 });
    expect(recent[0]!.body).toBe(`0${long}`.slice(0, MESSAGE_BODY_IN_CONTEXT));
    expect(recent[5]).toMatchObject({ seq: 6, truncated: true, length: JSON.stringify({ list: Array.from({ length: 3000 }, (_, i) => i) }).length });
    expect(recent[6]).toEqual({ seq: 7, ts: expect.any(String), from: 'alice', kind: 'chat', body: 'short' });

    const whole = await bob.context('r', recent[2]!._full as string);
    expect(whole.body.messages.recent).toEqual([expect.objectContaining({ seq: 3, body: `2${long}` })]);
    expect(whole.body.messages.recent[0].truncated).toBeUndefined();

    for (let i = 0; i < MAX_FULL_MESSAGES; i++) await alice.invoke('r', '_send_message', { body: `n${i}` });
    const full = await bob.context('r', '?only=messages&messages_full=true&messages_limit=500');
    expect(full.body.messages.recent).toHaveLength(MAX_FULL_MESSAGES);
  });

  it('/poll pages state rows with a cursor, and summarises large audit params', async () => {
    const { client } = inProcessApp();
    const { admin } = await roomWithAgents(client, 'r', []);
    const state = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i]));
    const joined = await client.post('/rooms/r/agents', { id: 'big', state });
    expect(joined.status).toBe(201);
    const owner = client.as(admin);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: JsonResponse = await owner.get(`/rooms/r/poll${cursor ? `?state_after=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.state.length).toBeLessThanOrEqual(POLL_STATE_PAGE);
      seen.push(...res.body.state.map((row: { scope: string; key: string }) => `${row.scope}/${row.key}`));
      cursor = res.body.next_state_after;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect([...seen].sort()).toEqual(seen);
    expect((await owner.get('/rooms/r/poll?state_limit=5001')).status).toBe(400);
    expect((await owner.get('/rooms/r/poll?state_after=nonsense')).status).toBe(400);
    // The join's audit detail carried all 2,500 keys; reads show a summary.
    const audit = (await owner.get('/rooms/r/poll?state_limit=1')).body.audit as Array<{ kind: string; detail: unknown }>;
    expect(audit.find((r) => r.kind === 'agent_join')?.detail).toMatchObject({ truncated: true, bytes: expect.any(Number) });
  });

  it('GET /rooms pages rooms newest first, linking the next page', async () => {
    const { client } = inProcessApp();
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect((await client.post('/rooms', { id })).status).toBe(201);
    const ids: string[] = [];
    let path: string | null = '/rooms?limit=2';
    while (path) {
      const res: JsonResponse = await client.get(path);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.length).toBeLessThanOrEqual(2);
      ids.push(...res.body.map((r: { id: string }) => r.id));
      const link: string | null = res.headers.get('link');
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
    }
    expect(ids.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await client.get('/rooms?limit=0')).status).toBe(400);
    expect((await client.get('/rooms?after=zzz')).status).toBe(400);
  });
});
