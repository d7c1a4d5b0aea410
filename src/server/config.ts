// Configuration from flags and environment, validated once at start-up.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  store: 'sqlite' | 'memory';
  bodyLimitBytes: number;
  waitMaxMs: number;
  logLevel: string;
  flushIntervalMs: number;
  evictIntervalMs: number;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: './data',
  store: 'sqlite',
  bodyLimitBytes: 1024 * 1024,
  waitMaxMs: 25_000,
  logLevel: 'info',
} as const;

export class ConfigError extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      'body-limit': { type: 'string' },
      'wait-max-ms': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
  });
  const store = values.store ?? env.STORE ?? DEFAULTS.store;
  if (store !== 'sqlite' && store !== 'memory') throw new ConfigError(`STORE must be sqlite or memory (got ${JSON.stringify(store)})`);
  return {
    host: values.host ?? env.HOST ?? DEFAULTS.host,
    port: int('PORT', values.port ?? env.PORT, DEFAULTS.port, 0, 65535),
    dataDir: resolve(values['data-dir'] ?? env.DATA_DIR ?? DEFAULTS.dataDir),
    store,
    bodyLimitBytes: int('BODY_LIMIT_BYTES', values['body-limit'] ?? env.BODY_LIMIT_BYTES, DEFAULTS.bodyLimitBytes, 1024, 64 * 1024 * 1024),
    waitMaxMs: int('WAIT_MAX_MS', values['wait-max-ms'] ?? env.WAIT_MAX_MS, DEFAULTS.waitMaxMs, 1000, 600_000),
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? DEFAULTS.logLevel,
    flushIntervalMs: 1000,
    evictIntervalMs: 5 * 60_000,
  };
}

/** Local mode (D21): listening on loopback only (users do not exist yet in this build). */
export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\./.test(host);
}
