// Configuration from flags (parsed by commander) and environment, validated once at start-up.
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageVersion } from './package-root.js';

export { packageVersion };

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  store: 'sqlite' | 'memory' | 'postgres';
  /** The PostgreSQL store's connection URL (D25); null unless the store is postgres. */
  databaseUrl: string | null;
  /** Connections in this process's PostgreSQL pool. */
  databasePoolSize: number;
  /**
   * Seconds PostgreSQL may take to connect or to run one statement; a store call is cut off with
   * 503 after twice that plus a second, so no request hangs on a database that stopped answering.
   */
  databaseTimeoutSeconds: number;
  bodyLimitBytes: number;
  waitMaxMs: number;
  logLevel: string;
  /** Browser origins allowed to call the API (exact match; `*` allows any); empty: none. */
  corsOrigins: string[];
  /** Host names accepted in local mode besides the loopback names (a reverse proxy's name). */
  allowedHosts: string[];
  flushIntervalMs: number;
  evictIntervalMs: number;
  /** Where clients reach this server (`--public-url` / `PUBLIC_URL`); null ⇒ `http://localhost:<listening port>`. */
  publicUrl: string | null;
  /** Largest stored beach block (UTF-8 bytes of its JSON); a write or append past it is refused. */
  beachMaxBlockBytes: number;
  /** `--local-mode off` ends local mode explicitly (D21); `auto`: loopback and no users yet. */
  localMode: 'auto' | 'off';
  /** Who may create an account with a passkey: anyone (`open`) or only the operator (`closed`); default open on loopback, closed otherwise. */
  registration: 'open' | 'closed';
  /** The beach bare handles, sed: and grain: resolve to (`DEFAULT_BEACH`); null ⇒ this server's public URL (D28). */
  defaultBeach: string | null;
  /** Server-side beach fetches may reach private, link-local and loopback addresses. */
  beachAllowPrivate: boolean;
  /** Host names or IP literals server-side beach fetches may reach whatever they resolve to. */
  beachAllowHosts: string[];
  beachTimeoutMs: number;
  beachMaxResponseBytes: number;
  /** Per-client beach budgets (the wire protocol, /mcp/beach and the beach tools on /mcp); 0: unlimited. */
  beachReadsPerMinute: number;
  beachWritesPerMinute: number;
  beachFetchesPerMinute: number;
  beachCreatesPerHour: number;
  /** Most blocks one beach world holds; 0: unlimited. */
  beachMaxBlocks: number;
  /** Argon2id derivations one client may have queued (of the queue's 16). */
  beachArgonPerClient: number;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: './data',
  store: 'sqlite',
  databasePoolSize: 10,
  databaseTimeoutSeconds: 10,
  bodyLimitBytes: 1024 * 1024,
  waitMaxMs: 25_000,
  logLevel: 'info',
  beachMaxBlockBytes: 4 * 1024 * 1024,
  beachReadsPerMinute: 600,
  beachWritesPerMinute: 120,
  beachFetchesPerMinute: 60,
  beachCreatesPerHour: 100,
  beachMaxBlocks: 100_000,
  beachArgonPerClient: 4,
} as const;

/** Argon2id derivations that may wait in all (the gray key queue). */
export const ARGON_QUEUE = 16;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A bad flag or value: print the message and exit non-zero. */
export class ConfigError extends Error {}

/** `--help` or `--version`: print `message` and exit 0. */
export class ConfigInfo extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function command(out: { text: string }): Command {
  return new Command('agent-sync serve')
    .description('Coordination server for multi-agent systems. Flags win over environment variables.')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .option('--host <host>', `interface to listen on; loopback means local mode (env HOST, default ${DEFAULTS.host})`)
    .option('--port <port>', `TCP port, 0 picks a free one (env PORT, default ${DEFAULTS.port})`)
    .option('--data-dir <dir>', `where agent-sync.db lives (env DATA_DIR, default ${DEFAULTS.dataDir})`)
    .option('--store <store>', 'sqlite, postgres, or memory: nothing survives a restart (env STORE, default sqlite, or postgres with a database URL)')
    .option('--database-url <url>', 'postgres://user@host:5432/database: keep everything in PostgreSQL, shared by many processes (env DATABASE_URL)')
    .option('--database-pool-size <n>', `connections per process to PostgreSQL (env DATABASE_POOL_SIZE, default ${DEFAULTS.databasePoolSize})`)
    .option('--database-timeout <s>', `seconds to connect to PostgreSQL or run one statement; requests answer 503 past twice that (env DATABASE_TIMEOUT, default ${DEFAULTS.databaseTimeoutSeconds})`)
    .option('--body-limit <bytes>', `largest request body (env BODY_LIMIT_BYTES, default ${DEFAULTS.bodyLimitBytes})`)
    .option('--wait-max-ms <ms>', `default and longest /wait timeout (env WAIT_MAX_MS, default ${DEFAULTS.waitMaxMs})`)
    .option('--log-level <level>', `${LOG_LEVELS.join(', ')}; info logs every request (env LOG_LEVEL, default info)`)
    .option('--cors-origins <list>', 'comma-separated browser origins allowed to call the API (env CORS_ORIGINS, default none)')
    .option('--allowed-hosts <list>', 'comma-separated Host names accepted in local mode besides loopback names (env ALLOWED_HOSTS)')
    .option('--local-mode <mode>', 'auto (loopback and no users yet: anyone may create rooms) or off (env LOCAL_MODE, default auto)')
    .option('--registration <mode>', 'open (anyone may create an account with a passkey) or closed (accounts come from agent-sync user create) (env REGISTRATION, default open on loopback, closed otherwise)')
    .option('--public-url <url>', 'where clients reach this server; its host and port salt beach locks (env PUBLIC_URL, default http://localhost:<port>)')
    .option('--beach-max-block-bytes <bytes>', `largest beach block kept (env BEACH_MAX_BLOCK_BYTES, default ${DEFAULTS.beachMaxBlockBytes})`)
    .option('--default-beach <url>', 'the beach bsp() uses for bare handles, sed: and grain: (env DEFAULT_BEACH, default the public URL)')
    .option('--beach-allow-private', 'let bsp() reach beaches on private, link-local and loopback addresses (env BEACH_ALLOW_PRIVATE=1)')
    .option('--beach-allow-hosts <list>', 'comma-separated beach hosts bsp() may reach whatever they resolve to (env BEACH_ALLOW_HOSTS)')
    .option('--beach-timeout-ms <ms>', 'timeout of each request to another beach (env BEACH_TIMEOUT_MS, default 8000)')
    .option('--beach-max-response-bytes <bytes>', 'largest answer accepted from another beach (env BEACH_MAX_RESPONSE_BYTES, default 4194304)')
    .option('--beach-reads-per-minute <n>', `beach reads per client address and minute, 0 unlimited (env BEACH_READS_PER_MINUTE, default ${DEFAULTS.beachReadsPerMinute})`)
    .option('--beach-writes-per-minute <n>', `beach writes per client address and minute, 0 unlimited (env BEACH_WRITES_PER_MINUTE, default ${DEFAULTS.beachWritesPerMinute})`)
    .option('--beach-fetches-per-minute <n>', `fetches of other beaches per client address and minute, 0 unlimited (env BEACH_FETCHES_PER_MINUTE, default ${DEFAULTS.beachFetchesPerMinute})`)
    .option('--beach-creates-per-hour <n>', `new beach blocks per client address and hour, 0 unlimited (env BEACH_CREATES_PER_HOUR, default ${DEFAULTS.beachCreatesPerHour})`)
    .option('--beach-max-blocks <n>', `most blocks one beach world holds, 0 unlimited (env BEACH_MAX_BLOCKS, default ${DEFAULTS.beachMaxBlocks})`)
    .option('--beach-argon-per-client <n>', `gray key derivations one client address may have queued, of 16 (env BEACH_ARGON_PER_CLIENT, default ${DEFAULTS.beachArgonPerClient})`)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out.text += s), writeErr: (s) => (out.text += s), outputError: () => undefined });
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const out = { text: '' };
  const program = command(out);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw new ConfigInfo(out.text.trimEnd());
    throw new ConfigError(`${error.message.replace(/^error: /, '')} (see --help)`);
  }
  const values = program.opts<Record<string, string | undefined>>();
  const databaseUrl = values.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  // A database URL selects PostgreSQL unless a store is named explicitly.
  const store = values.store ?? env.STORE ?? (databaseUrl ? 'postgres' : DEFAULTS.store);
  if (store !== 'sqlite' && store !== 'memory' && store !== 'postgres') throw new ConfigError(`STORE must be sqlite, memory or postgres (got ${JSON.stringify(store)})`);
  if (store === 'postgres' && !databaseUrl) throw new ConfigError('STORE=postgres needs DATABASE_URL (postgres://user@host:5432/database)');
  const host = values.host ?? env.HOST ?? DEFAULTS.host;
  const logLevel = values.logLevel ?? env.LOG_LEVEL ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)})`);
  return {
    host,
    port: int('PORT', values.port ?? env.PORT, DEFAULTS.port, 0, 65535),
    dataDir: resolve(values.dataDir ?? env.DATA_DIR ?? DEFAULTS.dataDir),
    store,
    databaseUrl: store === 'postgres' ? databaseUrl! : null,
    databasePoolSize: int('DATABASE_POOL_SIZE', values.databasePoolSize ?? env.DATABASE_POOL_SIZE, DEFAULTS.databasePoolSize, 1, 1000),
    databaseTimeoutSeconds: int('DATABASE_TIMEOUT', values.databaseTimeout ?? env.DATABASE_TIMEOUT, DEFAULTS.databaseTimeoutSeconds, 1, 3600),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', values.bodyLimit ?? env.BODY_LIMIT_BYTES, DEFAULTS.bodyLimitBytes, 1024, 64 * 1024 * 1024),
    waitMaxMs: int('WAIT_MAX_MS', values.waitMaxMs ?? env.WAIT_MAX_MS, DEFAULTS.waitMaxMs, 1000, 600_000),
    logLevel,
    corsOrigins: list(values.corsOrigins ?? env.CORS_ORIGINS),
    allowedHosts: list(values.allowedHosts ?? env.ALLOWED_HOSTS).map((h) => h.toLowerCase()),
    flushIntervalMs: 1000,
    evictIntervalMs: 5 * 60_000,
    publicUrl: publicUrl(values.publicUrl ?? env.PUBLIC_URL),
    beachMaxBlockBytes: int('BEACH_MAX_BLOCK_BYTES', values.beachMaxBlockBytes ?? env.BEACH_MAX_BLOCK_BYTES, DEFAULTS.beachMaxBlockBytes, 1024, 1024 * 1024 * 1024),
    localMode: localModeOf(values.localMode ?? env.LOCAL_MODE),
    registration: registrationOf(values.registration ?? env.REGISTRATION, host),
    defaultBeach: absoluteUrl('DEFAULT_BEACH', values.defaultBeach ?? env.DEFAULT_BEACH),
    beachAllowPrivate: values.beachAllowPrivate !== undefined || ['1', 'true', 'yes'].includes((env.BEACH_ALLOW_PRIVATE ?? '').toLowerCase()),
    beachAllowHosts: list(values.beachAllowHosts ?? env.BEACH_ALLOW_HOSTS).map((h) => h.toLowerCase()),
    beachTimeoutMs: int('BEACH_TIMEOUT_MS', values.beachTimeoutMs ?? env.BEACH_TIMEOUT_MS, 8000, 100, 120_000),
    beachMaxResponseBytes: int('BEACH_MAX_RESPONSE_BYTES', values.beachMaxResponseBytes ?? env.BEACH_MAX_RESPONSE_BYTES, 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    beachReadsPerMinute: int('BEACH_READS_PER_MINUTE', values.beachReadsPerMinute ?? env.BEACH_READS_PER_MINUTE, DEFAULTS.beachReadsPerMinute, 0, 1_000_000),
    beachWritesPerMinute: int('BEACH_WRITES_PER_MINUTE', values.beachWritesPerMinute ?? env.BEACH_WRITES_PER_MINUTE, DEFAULTS.beachWritesPerMinute, 0, 1_000_000),
    beachFetchesPerMinute: int('BEACH_FETCHES_PER_MINUTE', values.beachFetchesPerMinute ?? env.BEACH_FETCHES_PER_MINUTE, DEFAULTS.beachFetchesPerMinute, 0, 1_000_000),
    beachCreatesPerHour: int('BEACH_CREATES_PER_HOUR', values.beachCreatesPerHour ?? env.BEACH_CREATES_PER_HOUR, DEFAULTS.beachCreatesPerHour, 0, 1_000_000),
    beachMaxBlocks: int('BEACH_MAX_BLOCKS', values.beachMaxBlocks ?? env.BEACH_MAX_BLOCKS, DEFAULTS.beachMaxBlocks, 0, 1_000_000_000),
    beachArgonPerClient: int('BEACH_ARGON_PER_CLIENT', values.beachArgonPerClient ?? env.BEACH_ARGON_PER_CLIENT, DEFAULTS.beachArgonPerClient, 1, ARGON_QUEUE),
  };
}

function localModeOf(raw: string | undefined): 'auto' | 'off' {
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'off') return 'off';
  throw new ConfigError(`LOCAL_MODE must be auto or off (got ${JSON.stringify(raw)})`);
}

function registrationOf(raw: string | undefined, host: string): 'open' | 'closed' {
  if (raw === undefined || raw === '') return isLoopback(host) ? 'open' : 'closed';
  if (raw === 'open' || raw === 'closed') return raw;
  throw new ConfigError(`REGISTRATION must be open or closed (got ${JSON.stringify(raw)})`);
}

/** The one public URL (no trailing slash): WebAuthn origin, device verification_uri, OAuth issuer, elevate links. */
export function publicOrigin(publicUrl: string | null, port: number): string {
  return publicUrl ?? `http://localhost:${port}`;
}

function publicUrl(raw: string | undefined): string | null {
  return absoluteUrl('PUBLIC_URL', raw);
}

function absoluteUrl(name: string, raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must use http or https (got ${JSON.stringify(raw)})`);
  return url.origin;
}

/** The beach's origin (bsp-beach §6.5): host and port of the public URL, without scheme. */
export function beachOrigin(publicUrl: string | null, port: number): string {
  return publicUrl === null ? `localhost:${port}` : new URL(publicUrl).host;
}

/** Local mode (D21): listening on loopback only (users do not exist yet in this build). */
export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\./.test(host);
}
