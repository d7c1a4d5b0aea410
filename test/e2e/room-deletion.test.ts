// Deleting a room ends what is attached to it (issue 7, finding 2): its event streams close after
// a final `room_deleted` event, its pending waits answer 404 room_not_found, and nothing of a
// room created later with the same id ever reaches a reader of the deleted one.
import { afterEach, describe, expect, it } from 'vitest';
import { roomWithAgents } from '../support/in-process.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { readSse } from '../support/sse.js';
import { until } from '../support/until.js';

describe('deleting a room', () => {
  let served: ServedApp | undefined;
  afterEach(async () => served?.close());

  it('ends the old streams and waits; a new room with the same id reaches none of them', async () => {
    served = await serveInProcess();
    const { client, url, app } = served;
    const old = await roomWithAgents(client, 'r', ['alice']);
    const oldStream = readSse(`${url}/rooms/r/events`, { authorization: `Bearer ${old.admin}` }, (events) => events.some((e) => e.data?.includes('secret-2')));
    const oldWait = client.as(old.tokens.alice).get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=10000`);
    await until(() => app.services.events.subscriberCount === 1 && app.services.waits.stats().pending === 1);

    expect((await client.as(old.admin).request('DELETE', '/rooms/r')).status).toBe(200);
    const fresh = await roomWithAgents(client, 'r', ['alice']);
    const alice = client.as(fresh.tokens.alice);
    await alice.invoke('r', '_register_action', { id: 'plan', writes: [{ scope: '${self}', key: 'plan', value: 'secret-2' }, { key: 'go', value: true }] });
    expect((await alice.invoke('r', 'plan')).status).toBe(200);

    const stream = await oldStream;
    expect(JSON.stringify(stream.events)).not.toContain('secret-2');
    expect(stream.events.at(-1)).toMatchObject({ event: 'room_deleted' });
    expect(JSON.parse(stream.events.at(-1)!.data!)).toEqual({ room: 'r' });
    expect(stream.ended).toBe(true);

    const wait = await oldWait;
    expect(wait.status).toBe(404);
    expect(wait.body).toMatchObject({ error: 'room_not_found', room: 'r', deleted: true });
    expect(JSON.stringify(wait.body)).not.toContain('secret-2');
    expect(app.services.events.subscriberCount).toBe(0);
    expect(app.services.waits.stats().pending).toBe(0);
  });

  it('leaves the agent of a new room with the same id active when an old wait ends', async () => {
    served = await serveInProcess();
    const { client, app } = served;
    const old = await roomWithAgents(client, 'r', ['alice']);
    const oldWait = client.as(old.tokens.alice).get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=10000`);
    await until(() => app.services.waits.stats().pending === 1);
    await client.as(old.admin).request('DELETE', '/rooms/r');
    const fresh = await roomWithAgents(client, 'r', ['alice']);
    expect((await oldWait).status).toBe(404);
    const agents = await client.as(fresh.admin).context('r', '?only=agents');
    expect(agents.body.agents.alice).toMatchObject({ status: 'active', waiting_on: null });
  });

  it('binds a subscriber to the incarnation it read: one that attaches after the deletion is ended at once', async () => {
    served = await serveInProcess();
    const { client, app } = served;
    const old = await roomWithAgents(client, 'r', ['alice']);
    const stale = await app.services.registry.get('r');
    await client.as(old.admin).request('DELETE', '/rooms/r');
    await roomWithAgents(client, 'r', ['alice']);
    const pushed: unknown[] = [];
    let ended = false;
    app.services.events.subscribe(stale, { agentId: null, admin: true }, (e) => pushed.push(e), () => (ended = true));
    await client.post('/rooms/r/agents', { id: 'bob' });
    expect(ended).toBe(true);
    expect(pushed).toEqual([]);
    expect(app.services.events.subscriberCount).toBe(0);
  });
});
