// Configuration: flags win over environment variables, which win over defaults; bad values are refused.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigInfo, beachOrigin, isLoopback, loadConfig, packageVersion } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig([], {})).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: resolve('./data'), store: 'sqlite', bodyLimitBytes: 1048576, waitMaxMs: 25000, logLevel: 'info' });
  });

  it('reads the environment, and flags override it', () => {
    const env = { PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/tmp/x', STORE: 'memory', BODY_LIMIT_BYTES: '4096', WAIT_MAX_MS: '5000', LOG_LEVEL: 'warn' };
    expect(loadConfig([], env)).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: '/tmp/x', store: 'memory', bodyLimitBytes: 4096, waitMaxMs: 5000, logLevel: 'warn' });
    const flags = ['--port', '0', '--host', '::1', '--data-dir', '/tmp/y', '--store', 'sqlite', '--body-limit', '2048', '--wait-max-ms', '1000', '--log-level', 'error'];
    expect(loadConfig(flags, env)).toMatchObject({ port: 0, host: '::1', dataDir: '/tmp/y', store: 'sqlite', bodyLimitBytes: 2048, waitMaxMs: 1000, logLevel: 'error' });
  });

  it('refuses out-of-range numbers, unknown stores and unknown flags', () => {
    expect(() => loadConfig([], { PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig(['--body-limit', 'big'], {})).toThrow(/BODY_LIMIT_BYTES/);
    expect(() => loadConfig([], { STORE: 'mongo' })).toThrow(/STORE must be sqlite, memory or postgres/);
    expect(() => loadConfig(['--nope'], {})).toThrow();
  });

  it('selects PostgreSQL by a database URL unless a store is named, and refuses a URL of another kind', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(loadConfig([], {})).toMatchObject({ store: 'sqlite', databaseUrl: null, databasePoolSize: 10 });
    expect(loadConfig([], { DATABASE_URL: url })).toMatchObject({ store: 'postgres', databaseUrl: url });
    expect(loadConfig(['--database-url', 'postgresql://db/x', '--database-pool-size', '3'], { DATABASE_URL: url, DATABASE_POOL_SIZE: '7' }))
      .toMatchObject({ store: 'postgres', databaseUrl: 'postgresql://db/x', databasePoolSize: 3 });
    expect(loadConfig([], { DATABASE_URL: url, DATABASE_POOL_SIZE: '7' }).databasePoolSize).toBe(7);
    expect(loadConfig(['--store', 'memory'], { DATABASE_URL: url })).toMatchObject({ store: 'memory', databaseUrl: null });
    expect(loadConfig([], { DATABASE_URL: url, STORE: 'sqlite' })).toMatchObject({ store: 'sqlite', databaseUrl: null });
    expect(loadConfig([], { DATABASE_URL: '' })).toMatchObject({ store: 'sqlite' });
    expect(() => loadConfig([], { DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
    expect(() => loadConfig(['--store', 'postgres'], {})).toThrow(/needs DATABASE_URL/);
    expect(() => loadConfig([], { DATABASE_URL: url, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('bounds database calls by DATABASE_TIMEOUT (default 10 s), a flag winning over the variable', () => {
    expect(loadConfig([], {}).databaseTimeoutSeconds).toBe(10);
    expect(loadConfig([], { DATABASE_TIMEOUT: '3' }).databaseTimeoutSeconds).toBe(3);
    expect(loadConfig(['--database-timeout', '5'], { DATABASE_TIMEOUT: '3' }).databaseTimeoutSeconds).toBe(5);
    expect(() => loadConfig([], { DATABASE_TIMEOUT: '0' })).toThrow(/DATABASE_TIMEOUT/);
  });

  it('counts only loopback hosts as local mode', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '192.168.1.5', '::'].map(isLoopback)).toEqual([false, false, false]);
  });

  it('opens passkey registration on loopback only, unless REGISTRATION says otherwise', () => {
    expect(loadConfig([], {}).registration).toBe('open');
    expect(loadConfig(['--host', '0.0.0.0'], {}).registration).toBe('closed');
    expect(loadConfig(['--host', '0.0.0.0'], { REGISTRATION: 'open' }).registration).toBe('open');
    expect(loadConfig(['--registration', 'closed'], { REGISTRATION: 'open' }).registration).toBe('closed');
    expect(() => loadConfig(['--registration', 'maybe'], {})).toThrow(/REGISTRATION must be open or closed/);
  });

  it('reads allowed origins and hosts as comma lists (none by default)', () => {
    expect(loadConfig([], {})).toMatchObject({ corsOrigins: [], allowedHosts: [] });
    expect(loadConfig([], { CORS_ORIGINS: 'http://a.test, http://b.test:8080', ALLOWED_HOSTS: 'Sync.Example.com' })).toMatchObject({
      corsOrigins: ['http://a.test', 'http://b.test:8080'],
      allowedHosts: ['sync.example.com'],
    });
    expect(loadConfig(['--cors-origins', 'http://c.test', '--allowed-hosts', 'x.test,y.test'], { CORS_ORIGINS: 'http://a.test' })).toMatchObject({
      corsOrigins: ['http://c.test'],
      allowedHosts: ['x.test', 'y.test'],
    });
  });

  it('answers --help and --version, and names a bad flag or log level in one line', () => {
    expect(() => loadConfig(['--help'], {})).toThrow(ConfigInfo);
    try {
      loadConfig(['--help'], {});
    } catch (error) {
      expect((error as Error).message).toMatch(/--port <port>[\s\S]*--cors-origins[\s\S]*--allowed-hosts/);
    }
    expect(() => loadConfig(['--version'], {})).toThrow(new ConfigInfo(packageVersion()));
    expect(() => loadConfig(['--nope'], {})).toThrow(/unknown option '--nope'/);
    expect(() => loadConfig(['extra'], {})).toThrow(ConfigError);
    expect(() => loadConfig([], { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('reads the beach federation settings: default beach, private-address policy, allow-list, timeout, response cap', () => {
    const d = loadConfig([], {});
    expect([d.defaultBeach, d.beachAllowPrivate, d.beachAllowHosts, d.beachTimeoutMs, d.beachMaxResponseBytes]).toEqual([null, false, [], 8000, 4 * 1024 * 1024]);
    const c = loadConfig(['--default-beach', 'https://Beach.Example.com/x', '--beach-allow-hosts', 'Intra.Local, 10.0.0.5', '--beach-timeout-ms', '500'], { BEACH_ALLOW_PRIVATE: '1', BEACH_MAX_RESPONSE_BYTES: '2048' });
    expect([c.defaultBeach, c.beachAllowPrivate, c.beachAllowHosts, c.beachTimeoutMs, c.beachMaxResponseBytes]).toEqual(['https://beach.example.com', true, ['intra.local', '10.0.0.5'], 500, 2048]);
    expect(loadConfig(['--beach-allow-private'], {}).beachAllowPrivate).toBe(true);
    expect(() => loadConfig([], { DEFAULT_BEACH: 'beach.example.com' })).toThrow(/DEFAULT_BEACH must be an absolute/);
    expect(() => loadConfig(['--beach-timeout-ms', '0'], {})).toThrow(/BEACH_TIMEOUT_MS must be an integer/);
  });

  it('reads PUBLIC_URL (flag over environment) and derives the beach origin from its host and port', () => {
    expect(loadConfig([], {}).publicUrl).toBeNull();
    expect(loadConfig([], { PUBLIC_URL: 'https://Beach.Example.com/some/path' }).publicUrl).toBe('https://beach.example.com');
    expect(loadConfig(['--public-url', 'http://10.0.0.5:8080'], { PUBLIC_URL: 'https://ignored.example' }).publicUrl).toBe('http://10.0.0.5:8080');
    expect(() => loadConfig([], { PUBLIC_URL: 'beach.example.com' })).toThrow(/PUBLIC_URL must be an absolute/);
    expect(() => loadConfig(['--public-url', 'ftp://x.y'], {})).toThrow(/PUBLIC_URL must use http or https/);
    expect(beachOrigin(null, 8787)).toBe('localhost:8787');
    expect(beachOrigin('https://beach.example.com', 8787)).toBe('beach.example.com');
    expect(beachOrigin('http://10.0.0.5:8080', 8787)).toBe('10.0.0.5:8080');
  });
});
