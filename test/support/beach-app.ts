// An in-process app (memory stores, fixed clock) for the beach's HTTP tests.
import pino from 'pino';
import { createApp, type App, type AppOverrides } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import type { BeachStore } from '../../src/server/beach/beach-store.js';
import { MemoryBeachStore } from '../../src/server/storage/memory/memory-beach-store.js';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import { BeachClient } from './beach-client.js';
import { TestClient } from './http-client.js';

export const T0 = Date.parse('2026-06-01T12:00:00.000Z');

export interface BeachApp {
  app: App;
  http: TestClient;
  beach: BeachClient;
  store: BeachStore;
  clock: { now: () => number; at: number };
}

export function beachApp(args: string[] = ['--public-url', 'https://beach.example.com'], store: BeachStore = new MemoryBeachStore(), overrides: AppOverrides = {}): BeachApp {
  const clock = { at: T0, now: () => clock.at };
  const app = createApp(loadConfig(['--store', 'memory', ...args], {}), { store: new MemoryRoomStore(), beachStore: store, clock, log: pino({ level: 'silent' }), ...overrides });
  app.setReady(true);
  const http = new TestClient('http://local', async (url, init) => app.http.request(url, init));
  return { app, http, beach: new BeachClient(http), store, clock };
}

/** A client of the in-process app whose requests come from `address` (the per-client limits' key). */
export function clientAt(app: App, address: string): TestClient {
  return new TestClient('http://local', async (url, init) => app.http.request(url, init, { incoming: { socket: { remoteAddress: address } } }));
}
