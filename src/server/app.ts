// The composition root: the only file that sees storage, services, auth and transports.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import type { Hono } from 'hono';
import pino from 'pino';
import { createServices, type Services } from '../core/service/index.js';
import type { RoomStore } from '../core/ports/room-store.js';
import type { Clock } from '../core/ports/clock.js';
import type { Timers } from '../core/ports/timers.js';
import { registerLiveRoutes } from './http/live-routes.js';
import { BearerAuth } from './auth/bearer-auth.js';
import { nodeCredentials, nodeHasher, nodeIds } from './crypto/node-crypto.js';
import { createHttpApp } from './http/http-app.js';
import { MemoryRoomStore } from './storage/memory/memory-room-store.js';
import { SqliteRoomStore } from './storage/sqlite/sqlite-room-store.js';
import { MemoryBeachStore } from './storage/memory/memory-beach-store.js';
import { SqliteBeachStore } from './storage/sqlite/sqlite-beach-store.js';
import type { BeachStore } from './beach/beach-store.js';
import { BeachService } from './beach/beach-service.js';
import { PostgresRoomStore } from './storage/postgres/postgres-room-store.js';
import { beachOrigin, isLoopback, type Config } from './config.js';
import { randomBytes } from 'node:crypto';
import { Beaches } from './beach/federation/beaches.js';
import { guardedFetch, type BeachFetch } from './beach/federation/ssrf.js';
import { beachTools, type BeachTool } from './beach/tools/index.js';
import { ArgonWorker } from './crypto/argon-worker.js';

export interface App {
  http: Hono;
  services: Services;
  store: RoomStore;
  beach: BeachService;
  /** The nine bsp tools (plus the pscale_settle alias), ready for an MCP server to register. */
  beachTools: BeachTool[];
  log: pino.Logger;
  /** Mark the app ready for /healthz. */
  setReady(ready: boolean): void;
  /** The port the server listens on: the beach origin's default (no PUBLIC_URL) follows it. */
  listeningOn(port: number): void;
  /** Restore scheduled timers from the store; call before serving. */
  start(): Promise<void>;
  /** Flush soft state, stop timers and close the store. */
  close(): Promise<void>;
}

export interface AppOverrides {
  store?: RoomStore;
  beachStore?: BeachStore;
  clock?: Clock;
  timers?: Timers;
  log?: pino.Logger;
  /** How bsp() reaches other beaches (tests count or fake requests); default: the guarded fetch. */
  beachFetch?: BeachFetch;
}

const systemClock: Clock = { now: () => Date.now() };

const nodeTimers: Timers = {
  set: (fn, delayMs) => setTimeout(fn, delayMs),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function openStore(config: Config): RoomStore {
  if (config.store === 'memory') return new MemoryRoomStore();
  // Connects and migrates in the background; start() (restoring timers) waits for it and fails if it fails.
  if (config.store === 'postgres') return new PostgresRoomStore(config.databaseUrl!, { poolSize: config.databasePoolSize });
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteRoomStore(join(config.dataDir, 'agent-sync.db'));
}

/** Beach blocks live beside the rooms: in the same SQLite file, or in memory with a memory store. */
export function openBeachStore(store: RoomStore): BeachStore {
  return store instanceof SqliteRoomStore ? new SqliteBeachStore(store.db) : new MemoryBeachStore();
}

/** The Vite build of the web pages beside the package (dist/web). */
function webDirOf(): string | null {
  const root = packageRoot();
  return root ? join(root, 'dist', 'web') : null;
}

export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const log = overrides.log ?? pino({ level: config.logLevel });
  const store = overrides.store ?? openStore(config);
  const clock = overrides.clock ?? systemClock;
  const localMode = isLoopback(config.host);
  const services = createServices(
    { store, clock, hasher: nodeHasher, ids: nodeIds, credentials: nodeCredentials, timers: overrides.timers ?? nodeTimers, report: (err) => log.error({ err }, 'background task failed') },
    { localMode, waitMaxMs: config.waitMaxMs },
  );
  const auth = new BearerAuth(store, services);
  let origin = beachOrigin(config.publicUrl, config.port);
  const beachStore = overrides.beachStore ?? openBeachStore(store);
  const beach = new BeachService({ store: beachStore, origin: () => origin, now: () => clock.now(), maxBlockBytes: config.beachMaxBlockBytes });
  let listeningPort = config.port;
  const ownUrl = () => config.publicUrl ?? `http://localhost:${listeningPort}`;
  const beaches = new Beaches({
    local: beach,
    ownUrl,
    fetch: overrides.beachFetch ?? guardedFetch({ allowPrivate: config.beachAllowPrivate, allowHosts: config.beachAllowHosts, loopbackServer: localMode }),
    timeoutMs: config.beachTimeoutMs,
    maxResponseBytes: config.beachMaxResponseBytes,
  });
  const argon = new ArgonWorker();
  const tools = beachTools({
    beaches,
    derive: argon.derive,
    defaultBeach: () => config.defaultBeach ?? ownUrl(),
    random: (n) => new Uint8Array(randomBytes(n)),
    now: () => clock.now(),
  });
  let ready = false;
  const http = createHttpApp({
    services,
    auth,
    localMode,
    bodyLimitBytes: config.bodyLimitBytes,
    corsOrigins: config.corsOrigins,
    allowedHosts: config.allowedHosts,
    log,
    requestLog: log,
    beach,
    webDir: webDirOf(),
    ready: () => ready,
    extend: (app) => registerLiveRoutes(app, services, auth),
  });
  const flushTimer = setInterval(() => {
    services.presence.flush(clock.now()).catch((err: unknown) => log.error({ err }, 'presence flush failed'));
  }, config.flushIntervalMs);
  flushTimer.unref();
  // Rooms unused for one to two sweep intervals leave memory; they load again on next use.
  const evictTimer = setInterval(() => services.evictIdleRooms(), config.evictIntervalMs);
  evictTimer.unref();
  return {
    http,
    services,
    store,
    beach,
    beachTools: tools,
    log,
    setReady: (value) => (ready = value),
    listeningOn: (port) => {
      listeningPort = port;
      if (config.publicUrl === null) origin = beachOrigin(null, port);
    },
    start: () => services.time.restore(),
    async close() {
      ready = false;
      clearInterval(flushTimer);
      clearInterval(evictTimer);
      services.time.stop();
      await services.presence.flush(clock.now());
      await argon.close();
      await beachStore.close();
      await store.close();
    },
  };
}
