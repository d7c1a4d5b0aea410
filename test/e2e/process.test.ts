// The process as a user meets it (issue 7, "what a new user hit"): --help and --version, one clear
// line for a busy port or a corrupt database, a log line per request at info, a notice on a
// non-loopback host, and a SIGTERM that answers parked waits and ends streams before exiting.
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { readSse } from '../support/sse.js';
import { removeDir, runServerToExit, startServer, tempDataDir, type ServerProcess } from '../support/server-process.js';
import { itOnSqlite, STORE_FREE } from '../support/test-store.js';

async function until(check: () => boolean | Promise<boolean>, attempts = 400): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

describe('the server process', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) if (s.child.exitCode === null) await s.kill();
    for (const d of dirs.splice(0)) removeDir(d);
  });
  const dir = () => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };

  itOnSqlite('answers --help and --version and exits 0', STORE_FREE, async () => {
    const help = await runServerToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: agent-sync/);
    expect(help.stdout).toMatch(/--port <port>/);
    const version = await runServerToExit(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  itOnSqlite('says in one line that the port is in use, and exits non-zero', STORE_FREE, async () => {
    const first = await startServer({ dataDir: dir() });
    servers.push(first);
    const port = new URL(first.url).port;
    const second = await runServerToExit(['--port', port, '--data-dir', dir()]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toBe(`agent-sync: port ${port} is already in use (set --port or PORT)\n`);
  });

  itOnSqlite('names a corrupt database file and what to do, without a stack trace', 'the file it corrupts is the SQLite database', async () => {
    const data = dir();
    writeFileSync(join(data, 'agent-sync.db'), 'this is not a database, it is a text file '.repeat(200));
    const run = await runServerToExit(['--port', '0', '--data-dir', data]);
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(join(data, 'agent-sync.db'));
    expect(lines[0]).toMatch(/move it aside or restore a backup/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  itOnSqlite('logs each request at info (method, path, status, duration) and none at warn', STORE_FREE, async () => {
    const loud = await startServer({ dataDir: dir(), env: { LOG_LEVEL: 'info' } });
    servers.push(loud);
    await fetch(`${loud.url}/rooms/nope/context`);
    await until(() => loud.output().includes('"path":"/rooms/nope/context"'));
    const line = loud.output().split('\n').find((l) => l.includes('"path":"/rooms/nope/context"'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 30, method: 'GET', path: '/rooms/nope/context', status: 404, msg: 'request' });
    expect(typeof JSON.parse(line).ms).toBe('number');

    const quiet = await startServer({ dataDir: dir(), env: { LOG_LEVEL: 'warn' } });
    servers.push(quiet);
    await fetch(`${quiet.url}/healthz`);
    expect(await quiet.stop()).toBe(0);
    expect(quiet.output()).not.toContain('"msg":"request"');
  });

  itOnSqlite('says at start-up what a server on a non-loopback host needs', STORE_FREE, async () => {
    const exposed = await startServer({ dataDir: dir(), args: ['--host', '0.0.0.0'] });
    servers.push(exposed);
    await until(() => exposed.output().includes('open_join'));
    expect(exposed.output()).toMatch(/0\.0\.0\.0 is not a loopback address/);
    const local = await startServer({ dataDir: dir() });
    servers.push(local);
    expect(await local.stop()).toBe(0);
    expect(local.output()).not.toMatch(/not a loopback address/);
  });

  it('on SIGTERM answers a parked wait with 503 and Retry-After, ends streams with a shutdown event, and exits 0', async () => {
    const server = await startServer({ dataDir: dir() });
    servers.push(server);
    const client = new TestClient(server.url);
    const room = await client.post('/rooms', { id: 'r' });
    const alice = client.as((await client.post('/rooms/r/agents', { id: 'alice' })).body.token);
    const parked = alice.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=20000`);
    let ready = false;
    const stream = readSse(`${server.url}/rooms/r/events`, { authorization: `Bearer ${room.body.token}` }, (events) => {
      ready ||= events.some((e) => e.event === 'ready');
      return false;
    });
    await until(async () => ready && (await client.as(room.body.token).context('r', '?only=agents')).body.agents.alice.status === 'waiting');

    const exited = server.stop();
    const answer = await parked;
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'service_unavailable' });
    expect(answer.headers.get('retry-after')).toBe('1');
    const events = await stream;
    expect(events.ended).toBe(true);
    expect(events.events.at(-1)).toMatchObject({ event: 'shutdown' });
    expect(await exited).toBe(0);
  });
});

describe('npm start', () => {
  itOnSqlite('runs the built server, and SIGTERM to npm stops it and frees the port', STORE_FREE, async () => {
    const data = tempDataDir();
    try {
      const { spawn } = await import('node:child_process');
      const start = () => {
        const child = spawn('npm', ['start', '--silent'], { cwd: join(import.meta.dirname, '../..'), env: { ...process.env, PORT: '0', DATA_DIR: data, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
        return { child, exited, output: () => output };
      };
      // The first start may build dist/ (sources newer than the last build); the next one does not.
      for (const round of [0, 1]) {
        const run = start();
        await until(() => /listening on http:\/\/\S+:(\d+)/.test(run.output()) || run.child.exitCode !== null, 4800);
        const port = Number(/listening on http:\/\/\S+:(\d+)/.exec(run.output())?.[1]);
        expect(port, run.output()).toBeGreaterThan(0);
        if (round === 1) expect(run.output()).not.toMatch(/building/);
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        run.child.kill('SIGTERM');
        await run.exited;
        // The server is gone: its port can be bound again.
        await until(
          () =>
            new Promise<boolean>((resolve) => {
              const probe = createServer();
              probe.once('error', () => resolve(false));
              probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
            }),
          200,
        );
      }
    } finally {
      removeDir(data);
    }
  }, 180_000);
});
