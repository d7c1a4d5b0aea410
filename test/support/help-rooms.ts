// Rooms for help tests: one in-process app on a manual clock, a fresh room per test, and
// helpers to evaluate as an agent and register actions.
import { expect } from 'vitest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { inProcessApp, roomWithAgents } from './in-process.js';
import type { TestClient } from './http-client.js';

export const SYSTEM_KEYS = ['index', 'guide', 'standard_library', 'vocabulary_bootstrap', 'expressions', 'views', 'contested_actions', 'directed_messages', 'context_shaping', 'if_version', 'timers', 'waiting'];
export const HEX16 = /^[0-9a-f]{16}$/;
export const SET = { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] };

export function helpRooms(prefix: string) {
  const clock = new ManualClock();
  const client = inProcessApp({ clock }).client;
  let rooms = 0;
  async function room(agents = ['alice', 'bob']) {
    const id = `${prefix}${++rooms}`;
    const { admin, view, tokens } = await roomWithAgents(client, id, agents);
    const as = Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, client.as(t)]));
    const evalAs = async (who: TestClient, expr: string) => {
      const res = await who.post(`/rooms/${id}/eval`, { expr });
      expect(res.status, `${expr}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.value;
    };
    const register = async (who: TestClient, definition: Record<string, unknown>) => {
      const res = await who.invoke(id, '_register_action', definition);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res;
    };
    return { id, admin: client.as(admin), view: client.as(view), as, evalAs, register };
  }
  return { clock, client, room };
}
