// The change stream (D17): committed changes as Server-Sent Events, filtered per reader (D9),
// resumable with Last-Event-ID.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { roomWithAgents } from '../support/in-process.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Read SSE events from a stream until `stop` says enough; then abort the connection. */
async function readEvents(url: string, headers: Record<string, string>, stop: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
      }
      if (event.event || event.data) events.push(event);
    }
  }
  controller.abort();
  return events;
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
