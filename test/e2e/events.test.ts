// The change stream (D17): committed changes as Server-Sent Events, filtered per reader (D9),
// resumable with Last-Event-ID.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { roomWithAgents } from '../support/in-process.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { readSse, type SseEvent } from '../support/sse.js';

/** Read SSE events from a stream until `stop` says enough; then abort the connection. */
async function readEvents(url: string, headers: Record<string, string>, stop: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  return (await readSse(url, headers, stop)).events;
}

describe('events (SSE)', () => {
  let served: ServedApp | undefined;
  afterEach(async () => served?.close());

  it('streams committed changes live, hides private values from others, and resumes from Last-Event-ID', async () => {
    served = await serveInProcess();
    const { client, url, app } = served;
    const { tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const alice = client.as(tokens.alice);
    await alice.invoke('r', '_register_action', { id: 'note', params: { text: { type: 'string' } }, writes: [{ scope: '${self}', key: 'note', value: '${params.text}' }, { key: 'count', increment: 1 }] });

    const bobStream = readEvents(`${url}/rooms/r/events`, { authorization: `Bearer ${tokens.bob}` }, (events) => events.some((e) => e.event === 'invoke' && JSON.parse(e.data!).action === 'note'));
    await until(() => app.services.events.subscriberCount === 1);
    await alice.invoke('r', 'note', { text: 'private plan' });
    const bobEvents = await bobStream;
    const kinds = bobEvents.map((e) => e.event);
    expect(kinds.slice(0, 4)).toEqual(['agent_join', 'agent_join', 'invoke', 'ready']);
    const live = bobEvents.at(-1)!;
    expect(JSON.parse(live.data!)).toMatchObject({ kind: 'invoke', action: 'note', agent: 'alice', writes: [{ scope: 'alice', key: 'note' }, { scope: '_shared', key: 'count', value: 1 }] });
    expect(live.data).not.toContain('private plan');
    const lastSeen = Number(live.id);

    await alice.invoke('r', '_send_message', { body: 'after bob left' });
    const resumed = await readEvents(`${url}/rooms/r/events`, { authorization: `Bearer ${tokens.alice}`, 'last-event-id': String(lastSeen) }, (events) => events.some((e) => e.event === 'ready'));
    expect(resumed.map((e) => e.event)).toEqual(['invoke', 'ready']);
    expect(Number(resumed[0]!.id)).toBe(lastSeen + 1);
    expect(JSON.parse(resumed[0]!.data!)).toMatchObject({ action: '_send_message', writes: [{ scope: '_messages', value: { body: 'after bob left' } }] });

    const own = await readEvents(`${url}/rooms/r/events?after=${lastSeen - 1}`, { authorization: `Bearer ${tokens.alice}` }, (events) => events.some((e) => e.event === 'ready'));
    expect(own[0]!.data).toContain('private plan');
    await until(() => app.services.events.subscriberCount === 0);
  });

  it('refuses a malformed Last-Event-ID', async () => {
    served = await serveInProcess();
    const { client } = served;
    const { tokens } = await roomWithAgents(client, 'r', ['alice']);
    const res = await client.as(tokens.alice).request('GET', '/rooms/r/events', undefined, { 'last-event-id': 'yesterday' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_query');
  });
});
