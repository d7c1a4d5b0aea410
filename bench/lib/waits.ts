// Opening many long-poll waits and making sure the server holds them all as pending before a
// benchmark changes anything: every request written, the server quiet, every agent `waiting`.
import type { Client, Reply, Room } from './client.js';
import { sleep, untilQuiet, type BenchServer } from './server.js';

export interface OpenWait {
  room: string;
  agent: string;
  reply: Promise<Reply>;
  /** Set when the reply has arrived. */
  answered: boolean;
}

/** Send waits in batches (the listen backlog is finite), resolving once all are written. */
export async function openWaits(c: Client, specs: Array<{ room: string; agent: string; token: string; path: string }>, batch = 500): Promise<OpenWait[]> {
  const out: OpenWait[] = [];
  for (let i = 0; i < specs.length; i += batch) {
    const sent: Array<Promise<void>> = [];
    for (const spec of specs.slice(i, i + batch)) {
      const s = c.send('GET', spec.path, undefined, spec.token);
      sent.push(s.sent);
      const wait: OpenWait = { room: spec.room, agent: spec.agent, reply: s.reply, answered: false };
      s.reply.then(() => (wait.answered = true), () => undefined);
      out.push(wait);
    }
    await Promise.all(sent);
  }
  return out;
}

/**
 * Throw unless the server is quiet and every agent of every room shows `waiting`. A busy machine
 * can starve the server so that it looks quiet with requests still unread: statuses are asked
 * again for up to `settleMs`, and a status that stays wrong that long fails.
 */
export async function assertPending(server: BenchServer, c: Client, rooms: Room[], waits: readonly OpenWait[], settleMs = 10_000): Promise<void> {
  await untilQuiet(server);
  const giveUpAt = performance.now() + settleMs;
  for (const room of rooms) {
    for (;;) {
      const ctx = await c.json<{ agents: Record<string, { status: string }> }>('GET', `/rooms/${room.id}/context?only=agents`, undefined, room.admin);
      const idle = [...room.agents.keys()].filter((id) => ctx.agents[id]?.status !== 'waiting');
      if (!idle.length) break;
      if (performance.now() > giveUpAt) throw new Error(`room ${room.id}: agents ${idle.slice(0, 5).join(', ')} (${idle.length}) are not waiting`);
      await sleep(250);
    }
  }
  const early = waits.filter((w) => w.answered).length;
  if (early > 0) throw new Error(`${early} waits were answered before anything changed`);
}

/** Parse a wait's reply and require `triggered: true`. */
export function triggered(reply: Reply): boolean {
  if (reply.status !== 200) return false;
  return (JSON.parse(reply.body) as { triggered?: boolean }).triggered === true;
}
