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
import { readRoomsReadOnly, SqliteRoomStore } from './storage/sqlite/sqlite-room-store.js';
import { existsSync } from 'node:fs';
import { MemoryBeachStore } from './storage/memory/memory-beach-store.js';
import { SqliteBeachStore } from './storage/sqlite/sqlite-beach-store.js';
import type { BeachStore } from './beach/beach-store.js';
import { BeachService } from './beach/beach-service.js';
import { PostgresRoomStore } from './storage/postgres/postgres-room-store.js';
import { PostgresChangeFeed } from './storage/postgres/postgres-change-feed.js';
import { InProcessChangeFeed } from '../core/service/in-process-feed.js';
import type { ChangeFeed } from '../core/ports/change-feed.js';
import { ARGON_QUEUE, beachOrigin, isLoopback, packageVersion, publicOrigin, type Config } from './config.js';
import { BeachLimits } from './beach/limits.js';
import { limitedTools } from './beach/tools/budget.js';
import type { IdentityStore } from '../core/ports/identity-store.js';
import { IdentityService } from '../core/identity/identity-service.js';
import { DEFAULT_OAUTH_SCOPE, OAuthService } from '../core/identity/oauth-service.js';
import { UserTokenMcpAuth } from './mcp/user-tokens.js';
import { MemoryIdentityStore } from './storage/memory/memory-identity-store.js';
import { SqliteIdentityStore } from './storage/sqlite/sqlite-identity-store.js';
import { PostgresIdentityStore } from './storage/postgres/postgres-identity-store.js';
import { cookieSessionCheck } from './http/identity-routes.js';
import { PasskeyService } from '../core/identity/passkey-service.js';
import { RecoveryCodes } from '../core/identity/recovery-codes.js';
import { simpleWebAuthn } from './identity/webauthn.js';
import { randomBytes } from 'node:crypto';
import { Beaches } from './beach/federation/beaches.js';
import { guardedFetch, type BeachFetch } from './beach/federation/ssrf.js';
import { beachTools, type BeachTool } from './beach/tools/index.js';
import { ArgonWorker } from './crypto/argon-worker.js';
import { PostgresBeachStore } from './storage/postgres/postgres-beach-store.js';
import { isDatabaseUnavailable } from './storage/postgres/unavailable.js';
import { isSqliteUnavailable } from './storage/sqlite/unavailable.js';
import { guardStore } from './storage/unavailable-guard.js';
import { registerMcpRoutes } from './http/mcp-routes.js';
import { LegacyBearerMcpAuth } from './mcp/mcp-auth.js';
import type { ExtraTool, McpEndpoint, McpEndpointOptions } from './mcp/mcp-endpoint.js';
import { McpState } from './mcp/mcp-state.js';
import { MemoryCredentialStore, postgresCredentialStore, type McpCredentialStore } from './mcp/credential-store.js';
import { sqliteCredentialStore } from './storage/sqlite/sqlite-mcp-credential-store.js';

export interface App {
  http: Hono;
  services: Services;
  store: RoomStore;
  identityStore: IdentityStore;
  identity: IdentityService;
  beach: BeachService;
  /** The nine bsp tools (plus the pscale_settle alias), ready for an MCP server to register. */
  beachTools: BeachTool[];
  /** The MCP endpoint (/mcp), made on first use. */
  mcp(): Promise<McpEndpoint>;
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
  identityStore?: IdentityStore;
  clock?: Clock;
  timers?: Timers;
  log?: pino.Logger;
  /** How bsp() reaches other beaches (tests count or fake requests); default: the guarded fetch. */
  beachFetch?: BeachFetch;
  /** Tools served on /mcp beside the sync tools and, without sign-in, alone on /mcp/beach (the D26 seam for the bsp tools). */
  mcpBeachTools?: readonly ExtraTool[];
}

const systemClock: Clock = { now: () => Date.now() };

const nodeTimers: Timers = {
  set: (fn, delayMs) => setTimeout(fn, delayMs),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How long a /healthz answer about the database is reused before the database is asked again. */
const HEALTH_CACHE_MS = 1000;
/** A database that has not answered the readiness ping in this long counts as unreachable. */
const HEALTH_PING_MS = 2000;

/**
 * The configured store, behind the unavailability guard: a database that cannot be reached (or a
 * SQLite file that fails) answers 503 with Retry-After, and PostgreSQL calls are bounded in time.
 */
export function openStore(config: Config): RoomStore {
  if (config.store === 'memory') return new MemoryRoomStore();
  if (config.store === 'postgres') {
    const seconds = config.databaseTimeoutSeconds;
    // Connects and migrates in the background; start() (restoring timers) waits for it and fails if it fails.
    // A lock not obtained within 2·timeout is given up before the guard answers 503 at 2·timeout + 1 s,
    // so a request told "unavailable" is not carried out later.
    const store = new PostgresRoomStore(config.databaseUrl!, { poolSize: config.databasePoolSize, connectTimeoutSeconds: seconds, statementTimeoutSeconds: seconds });
    return guardStore(store, { isUnavailable: isDatabaseUnavailable, what: 'The database', deadlineMs: (2 * seconds + 1) * 1000 });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return guardStore(new SqliteRoomStore(join(config.dataDir, 'agent-sync.db')), { isUnavailable: isSqliteUnavailable, what: 'The database file' });
}

/**
 * Readiness of the store for /healthz: a cheap round trip, its answer reused for a second so a
 * polling load balancer does not load the database; stores without `ping` are always ready.
 */
function storeHealth(store: RoomStore, now: () => number): () => Promise<boolean> {
  const ping = (store as { ping?: () => Promise<void> }).ping;
  if (!ping) return async () => true;
  let last: { at: number; ok: Promise<boolean> } | null = null;
  return () => {
    const at = now();
    if (!last || at - last.at >= HEALTH_CACHE_MS) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_PING_MS)));
      const answered = ping.call(store).then(() => true, () => false);
      last = { at, ok: Promise.race([answered, late]).finally(() => clearTimeout(timer)) };
    }
    return last.ok;
  };
}

/**
 * Identity lives beside the rooms: in PostgreSQL in the same database, in SQLite in its own file
 * (`identity.db`, opened shared, so the operator CLI can write it while the server runs).
 */
export function openIdentityStore(config: Config): IdentityStore {
  if (config.store === 'memory') return new MemoryIdentityStore();
  // Behind the same guard as the room store: an unreachable database answers 503, bounded in time.
  if (config.store === 'postgres') {
    const store = new PostgresIdentityStore(config.databaseUrl!, { poolSize: Math.max(2, Math.ceil(config.databasePoolSize / 4)) });
    return guardStore(store, { isUnavailable: isDatabaseUnavailable, what: 'The database', deadlineMs: (2 * config.databaseTimeoutSeconds + 1) * 1000 });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return guardStore(new SqliteIdentityStore(join(config.dataDir, 'identity.db')), { isUnavailable: isSqliteUnavailable, what: 'The database file' });
}

/** What MCP keeps per credential lives beside the rooms (memory with a memory store). */
export function mcpCredentialStore(store: RoomStore): McpCredentialStore {
  if (store instanceof SqliteRoomStore) return sqliteCredentialStore(store.db);
  if (store instanceof PostgresRoomStore) return postgresCredentialStore(store);
  return new MemoryCredentialStore();
}

/** Beach blocks live beside the rooms: in the same SQLite file or PostgreSQL database, or in memory with a memory store. */
export function openBeachStore(store: RoomStore): BeachStore {
  // The PostgreSQL room store reaching here is already guarded (503, bounded calls); so is the beach on it.
  if (store instanceof PostgresRoomStore) return guardStore(new PostgresBeachStore(store), { isUnavailable: isDatabaseUnavailable, what: 'The database' });
  if (!(store instanceof SqliteRoomStore)) return new MemoryBeachStore();
  return guardStore(new SqliteBeachStore(store.db), { isUnavailable: isSqliteUnavailable, what: 'The database file' });
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
  // D21: local mode is configured by a loopback address (unless --local-mode off) and ends once a user exists.
  const localMode = isLoopback(config.host) && config.localMode !== 'off';
  const options = { localMode, waitMaxMs: config.waitMaxMs };
  const report = (err: unknown) => log.error({ err }, 'background task failed');
  // Processes sharing PostgreSQL hear each other's commits through LISTEN/NOTIFY; alone, in-process.
  const feed: ChangeFeed = store instanceof PostgresRoomStore && !overrides.store && config.databaseUrl
    ? new PostgresChangeFeed(config.databaseUrl, store, { report })
    : new InProcessChangeFeed();
  const services = createServices(
    { store, clock, hasher: nodeHasher, ids: nodeIds, credentials: nodeCredentials, timers: overrides.timers ?? nodeTimers, feed, report },
    options,
  );
  let origin = beachOrigin(config.publicUrl, config.port);
  let publicUrl = publicOrigin(config.publicUrl, config.port);
  const identityStore = overrides.identityStore ?? openIdentityStore(config);
  const identity = new IdentityService({
    store: identityStore,
    clock,
    credentials: nodeCredentials,
    ids: nodeIds,
    publicUrl: () => publicUrl,
    localModeConfigured: localMode,
    rooms: {
      exists: async (id) => (await store.getRoom(id)) !== null,
      roomTokenMatches: async (id, token) => {
        const room = await store.getRoom(id);
        return room !== null && token.startsWith('room_') && nodeCredentials.hash(token) === room.tokenHash;
      },
    },
  });
  const recovery = new RecoveryCodes({ store: identityStore, clock, credentials: nodeCredentials, ids: nodeIds, identity });
  const passkeys = new PasskeyService({
    store: identityStore, clock, credentials: nodeCredentials, ids: nodeIds, identity,
    webauthn: simpleWebAuthn(() => publicUrl),
    registrationOpen: () => config.registration === 'open',
  });
  const auth = new BearerAuth(store.credentials, services, identity);
  const oauth = new OAuthService({ store: identityStore, clock, credentials: nodeCredentials, ids: nodeIds, identity, publicUrl: () => publicUrl });
  const beachStore = overrides.beachStore ?? openBeachStore(store);
  // Per-client budgets in the identity store's windows: every process on one database shares them.
  const beachLimits = new BeachLimits((key, limit, windowMs, message) => identity.limit(key, limit, windowMs, message), {
    readsPerMinute: config.beachReadsPerMinute,
    writesPerMinute: config.beachWritesPerMinute,
    fetchesPerMinute: config.beachFetchesPerMinute,
    createsPerHour: config.beachCreatesPerHour,
  });
  const beach = new BeachService({
    store: beachStore,
    origin: () => origin,
    now: () => clock.now(),
    maxBlockBytes: config.beachMaxBlockBytes,
    quota: { maxPerWorld: config.beachMaxBlocks, admitCreation: () => beachLimits.charge('create') },
  });
  let listeningPort = config.port;
  const ownUrl = () => config.publicUrl ?? `http://localhost:${listeningPort}`;
  const beaches = new Beaches({
    local: beach,
    ownUrl,
    fetch: overrides.beachFetch ?? guardedFetch({ allowPrivate: config.beachAllowPrivate, allowHosts: config.beachAllowHosts, loopbackServer: localMode }),
    timeoutMs: config.beachTimeoutMs,
    maxResponseBytes: config.beachMaxResponseBytes,
    beforeFetch: () => beachLimits.charge('fetch'),
  });
  const argon = new ArgonWorker(ARGON_QUEUE, config.beachArgonPerClient);
  const tools = beachTools({
    beaches,
    derive: argon.derive,
    defaultBeach: () => config.defaultBeach ?? ownUrl(),
    random: (n) => new Uint8Array(randomBytes(n)),
    now: () => clock.now(),
  });
  const mcpState = new McpState(mcpCredentialStore(store));
  const mcpOptions: McpEndpointOptions = {
    services,
    auth: new UserTokenMcpAuth(identity, () => oauth.mcpResource(), new LegacyBearerMcpAuth(auth, () => options.localMode)),
    state: mcpState,
    log,
    serverVersion: packageVersion(),
    // The beach tools (D26): beside the sync tools on /mcp, and alone, without sign-in, on /mcp/beach.
    extraTools: overrides.mcpBeachTools ?? limitedTools(tools, beachLimits).map((t): ExtraTool => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, handler: (args) => t.handler(args) })),
  };
  // The MCP SDK loads on the first /mcp request, not at start-up (it costs about half a second).
  let mcpLoaded: McpEndpoint | null = null;
  let mcpBeachLoaded: McpEndpoint | null = null;
  let mcpLoading: Promise<McpEndpoint> | null = null;
  let mcpBeachLoading: Promise<McpEndpoint> | null = null;
  const mcp = () => (mcpLoading ??= import('./mcp/mcp-endpoint.js').then(({ McpEndpoint }) => (mcpLoaded = new McpEndpoint(mcpOptions))));
  const mcpBeach = () => (mcpBeachLoading ??= import('./mcp/mcp-endpoint.js').then(({ McpEndpoint }) => (mcpBeachLoaded = new McpEndpoint({ ...mcpOptions, state: new McpState(), open: true }))));
  let ready = false;
  const healthy = storeHealth(store, () => Date.now());
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
    beachLimits,
    webDir: webDirOf(),
    identity: {
      service: identity,
      session: cookieSessionCheck(identity, () => publicUrl),
      passkeys,
      recovery,
      publicUrl: () => publicUrl,
      oauth,
      // Local mode ends once a user exists, also one made by the operator CLI in another process.
      refreshLocalMode: async () => {
        if (options.localMode) options.localMode = await identity.localMode();
      },
    },
    ready: async () => ready && (await healthy()),
    extend: (app) => {
      registerLiveRoutes(app, services, auth);
      registerMcpRoutes(app, { mcp, beach: mcpBeach, beachLimits, challenge: () => ({ resourceMetadata: oauth.resourceMetadataUrl(), scope: DEFAULT_OAUTH_SCOPE }) });
    },
  });
  const flushTimer = setInterval(() => {
    services.expireStaleWaiting();
    services.presence.flush(clock.now()).catch((err: unknown) => log.error({ err }, 'presence flush failed'));
  }, config.flushIntervalMs);
  flushTimer.unref();
  // Rooms unused for one to two sweep intervals leave memory; they load again on next use.
  // Expired challenges, sessions, device and recovery codes and old rate-limit windows go too
  // (an hour after expiry, so a late poll still hears expired_token rather than "unknown").
  const evictTimer = setInterval(() => {
    services.evictIdleRooms();
    identityStore.purge(clock.now() - 3_600_000).catch(report);
  }, config.evictIntervalMs);
  evictTimer.unref();
  // Ended rate-limit windows (one row per client, budget and window), expired sessions and device codes.
  const purgeTimer = setInterval(() => identityStore.purge(clock.now()).catch(report), config.evictIntervalMs);
  purgeTimer.unref();
  return {
    http,
    services,
    store,
    identityStore,
    identity,
    beach,
    beachTools: tools,
    mcp,
    log,
    setReady: (value) => (ready = value),
    listeningOn: (port) => {
      listeningPort = port;
      if (config.publicUrl === null) {
        origin = beachOrigin(null, port);
        publicUrl = publicOrigin(null, port);
      }
    },
    // Listen first: a change committed while the timers are restored is heard, not missed.
    start: async () => {
      await feed.start();
      await services.time.restore();
    },
    async close() {
      ready = false;
      clearInterval(flushTimer);
      clearInterval(evictTimer);
      clearInterval(purgeTimer);
      await mcpLoaded?.close();
      await mcpBeachLoaded?.close();
      services.time.stop();
      await services.presence.flush(clock.now());
      await argon.close();
      await feed.close();
      await beachStore.close();
      await identityStore.close();
      await store.close();
    },
  };
}

/** What the operator CLI opens beside a running server (D21): identity to write, rooms to read. */
export interface OperatorStores {
  identity: IdentityService;
  /** Recovery codes: how a user the operator created enrols a first passkey. */
  recovery: RecoveryCodes;
  rooms(): Promise<Array<{ id: string; created_at: string; meta: unknown }>>;
  close(): Promise<void>;
}

/**
 * Open a data directory's stores, or a PostgreSQL database's, for the operator: the identity store
 * shared (a running server sees every write at once, nothing above the store caches it) and the
 * rooms read-only (the running server owns them).
 */
export function openOperatorStores(target: { dataDir: string; databaseUrl: string | null }): OperatorStores {
  let identityStore: IdentityStore;
  let rooms: OperatorStores['rooms'];
  let closeRooms = async () => {};
  if (target.databaseUrl) {
    identityStore = new PostgresIdentityStore(target.databaseUrl, { poolSize: 2 });
    const roomStore = new PostgresRoomStore(target.databaseUrl, { poolSize: 2 });
    rooms = async () => (await roomStore.listRooms()).sort((a, b) => b.createdAt - a.createdAt).map((r) => ({ id: r.id, created_at: new Date(r.createdAt).toISOString(), meta: r.meta }));
    closeRooms = () => roomStore.close();
  } else {
    mkdirSync(target.dataDir, { recursive: true });
    identityStore = new SqliteIdentityStore(join(target.dataDir, 'identity.db'));
    const file = join(target.dataDir, 'agent-sync.db');
    rooms = async () => (existsSync(file) ? readRoomsReadOnly(file).map((r) => ({ id: r.id, created_at: new Date(r.createdAt).toISOString(), meta: JSON.parse(r.meta) as unknown })) : []);
  }
  const identity = new IdentityService({
    store: identityStore,
    clock: systemClock,
    credentials: nodeCredentials,
    ids: nodeIds,
    publicUrl: () => 'http://localhost',
    localModeConfigured: false,
    rooms: { exists: async () => false, roomTokenMatches: async () => false },
  });
  return {
    identity,
    recovery: new RecoveryCodes({ store: identityStore, clock: systemClock, credentials: nodeCredentials, ids: nodeIds, identity }),
    rooms,
    async close() {
      await identityStore.close();
      await closeRooms();
    },
  };
}
