// An in-process app over the memory store for fast HTTP-level tests (Hono's app.request).
import pino from 'pino';
import { createApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import type { Clock } from '../../src/core/ports/clock.js';
import type { Timers } from '../../src/core/ports/timers.js';
import type { RoomStore } from '../../src/core/ports/room-store.js';
import type { IdentityStore } from '../../src/core/ports/identity-store.js';
import { TestClient } from './http-client.js';

export interface TestApp {
  app: App;
  client: TestClient;
}

export function inProcessApp(options: { clock?: Clock; timers?: Timers; host?: string; bodyLimit?: number; waitMaxMs?: number; store?: RoomStore; identityStore?: IdentityStore; args?: string[] } = {}): TestApp {
  const args = ['--store', 'memory', '--host', options.host ?? '127.0.0.1'];
  if (options.bodyLimit) args.push('--body-limit', String(options.bodyLimit));
  if (options.waitMaxMs) args.push('--wait-max-ms', String(options.waitMaxMs));
  args.push(...(options.args ?? []));
  const config = loadConfig(args, {});
  const app = createApp(config, { store: options.store ?? new MemoryRoomStore(), identityStore: options.identityStore, clock: options.clock, timers: options.timers, log: pino({ level: 'silent' }) });
  void app.start();
  app.setReady(true);
  const client = new TestClient('http://local', async (url, init) => app.http.request(url, init));
  return { app, client };
}

/** Create a room and join agents; returns the room token and each agent's token. */
export async function roomWithAgents(client: TestClient, room: string, agents: string[]): Promise<{ admin: string; view: string; tokens: Record<string, string> }> {
  const created = await client.post('/rooms', { id: room });
  if (created.status !== 201) throw new Error(`room creation failed: ${JSON.stringify(created.body)}`);
  const tokens: Record<string, string> = {};
  for (const id of agents) {
    const joined = await client.post(`/rooms/${room}/agents`, { id, name: id });
    if (joined.status !== 201) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
    tokens[id] = joined.body.token;
  }
  return { admin: created.body.token, view: created.body.view_token, tokens };
}
