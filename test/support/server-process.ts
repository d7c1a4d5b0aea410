// Start a real agent-sync server process on a free port for black-box tests. Its store is the
// data directory's SQLite file, or with TEST_STORE=postgres the directory's PostgreSQL schema
// (test-store.ts); an explicit DATABASE_URL in `env` wins over both.
import { afterAll, beforeAll } from 'vitest';
import { closeAdmin } from './postgres.js';
import { dropStoreOf, onPostgres, storeEnv } from './test-store.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (crash) and wait for exit. */
  kill(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'agent-sync-test-'));
}

export async function startServer(options: { dataDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const store = options.env?.DATABASE_URL === undefined ? await storeEnv(dataDir) : {};
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts'), '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: ROOT,
    // DATABASE_URL from the developer's shell would move every test server into one shared database.
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...store, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = () => {
      const match = /agent-sync listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        res(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => rej(new Error(`server exited early:\n${output}`)));
  });
  return {
    url,
    dataDir,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Run the server entry with these arguments until it exits by itself (help, version, start-up failures). */
export async function runServerToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Remove a data directory and, on the PostgreSQL pass, drop its schema (stop its servers first). */
export async function removeDir(dir: string): Promise<void> {
  const dropped = dropStoreOf(dir);
  rmSync(dir, { recursive: true, force: true });
  await dropped;
}

// The schemas' administrator connection must not outlive a test file.
if (onPostgres) afterAll(closeAdmin);

/**
 * One real server for the tests of a file (or describe block): started before them, stopped and
 * its data removed after. Read it inside tests through the returned getter.
 */
export function useServer(options: Parameters<typeof startServer>[0] = {}): () => ServerProcess {
  let server: ServerProcess | null = null;
  beforeAll(async () => {
    server = await startServer(options);
  }, 60_000);
  afterAll(async () => {
    if (!server) return;
    await server.stop();
    await removeDir(server.dataDir);
  });
  return () => {
    if (!server) throw new Error('the server has not started');
    return server;
  };
}
