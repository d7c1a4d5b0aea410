// The beach over a real server process (SQLite, or PostgreSQL on the PostgreSQL pass): concurrent
// appends, registrations and writes to one block all land; hostile input gets a clear 4xx and the
// server keeps serving; blocks and their locks survive a restart, because the lock salt follows
// PUBLIC_URL, not the listen port.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeachClient } from '../support/beach-client.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { TEST_STORE } from '../support/test-store.js';

const LIMIT = 8192;
const PUBLIC_URL = 'http://beach.test:9999';
// This file floods one server from one address on purpose (concurrency, bad input): the per-client
// budgets are lifted here and tested in beach-limits.test.ts.
const UNLIMITED = ['--beach-writes-per-minute', '0', '--beach-reads-per-minute', '0', '--beach-creates-per-hour', '0'];
const serverArgs = (publicUrl = PUBLIC_URL) => ['--body-limit', String(LIMIT), '--public-url', publicUrl, ...UNLIMITED];

/** Every string leaf of a block, for "nothing was lost" checks. */
const leaves = (node: unknown): string[] =>
  typeof node === 'string' ? [node] : typeof node === 'object' && node !== null ? Object.values(node).flatMap(leaves) : [];

describe(`the beach on a real server (${TEST_STORE})`, () => {
  let server: ServerProcess;
  let beach: BeachClient;

  beforeAll(async () => {
    server = await startServer({ args: serverArgs() });
    beach = new BeachClient(new TestClient(server.url));
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const expectStillServing = async () => {
    expect((await beach.get()).status).toBe(200);
    const probe = await beach.post('probe', { append: true, content: 'still here' });
    expect(probe.status, JSON.stringify(probe.body)).toBe(200);
  };

  describe('concurrency (issue 12)', () => {
    it('50 concurrent appends → 50 distinct slots, every entry stored', async () => {
      const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => beach.post('race-log', { append: true, content: `entry ${i}` })));
      expect(acks.map((a) => a.status)).toEqual(Array(50).fill(200));
      expect(new Set(acks.map((a) => a.body.slot)).size).toBe(50);
      const stored = leaves(await beach.block('race-log')).filter((s) => s.startsWith('entry '));
      expect(stored.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `entry ${i}`).sort());
    });

    it('20 concurrent sed registrations → 20 distinct positions, each owned by its registrant', async () => {
      const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => beach.post('sed:race', { action: 'register', declaration: `member ${i}`, passphrase: `pass-${i}` })));
      expect(acks.map((a) => a.status)).toEqual(Array(20).fill(200));
      const positions = acks.map((a) => a.body.position as string);
      expect(new Set(positions).size).toBe(20);
      for (const [i, position] of positions.entries()) {
        expect(await beach.get('sed:race', { spindle: position })).toMatchObject({ status: 200, body: `member ${i}` });
        const other = positions[(i + 1) % 20];
        expect((await beach.post('sed:race', { spindle: position, content: `revised ${i}`, secret: `pass-${(i + 1) % 20}` })).status, `${position} with ${other}'s key`).toBe(403);
        expect((await beach.post('sed:race', { spindle: position, content: `revised ${i}`, secret: `pass-${i}` })).status).toBe(200);
      }
    });

    it('20 concurrent writes to different positions of one block all land', async () => {
      expect((await beach.post('race-block', { content: { _: 'twenty writers' } })).status).toBe(200);
      const spindles = Array.from({ length: 20 }, (_, i) => `${Math.floor(i / 9) + 1}.${(i % 9) + 1}`);
      const acks = await Promise.all(spindles.map((spindle) => beach.post('race-block', { spindle, content: `at ${spindle}` })));
      expect(acks.map((a) => a.status)).toEqual(Array(20).fill(200));
      for (const spindle of spindles) expect((await beach.get('race-block', { spindle })).body).toBe(`at ${spindle}`);
    });
  });

  describe('bad input: a clear 4xx in {error, code, message}, and the server keeps serving', () => {
    const expectRefusal = (res: { status: number; body: any }, status: number, code: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body).toMatchObject({ code, error: expect.any(String), message: expect.any(String) });
    };

    it('oversized bodies are 413, declared or streamed', async () => {
      const big = JSON.stringify({ content: { _: 'x'.repeat(LIMIT) } });
      expectRefusal(await beach.post('big', big), 413, 'payload_too_large');
      const streamed = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const url = new URL(`${server.url}/.well-known/pscale-beach?block=big`);
        const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        for (let i = 0; i < 4; i += 1) req.write(big.slice(i * 2500, (i + 1) * 2500));
        req.end(big.slice(10_000));
      });
      expectRefusal(streamed, 413, 'payload_too_large');
      expect((await beach.get('big')).status).toBe(404);
      await expectStillServing();
    });

    it('malformed JSON and non-object bodies are 400', async () => {
      for (const text of ['{', '{"content": {"_": "x"},}', "{'content': 1}", '{"a":1} trailing', 'nul']) expectRefusal(await beach.post('a', text), 400, 'invalid_json');
      for (const text of ['[1,2]', '"text"', '42', 'true']) expectRefusal(await beach.post('a', text), 400, 'invalid_shape');
      expectRefusal(await beach.delete('a', '{'), 400, 'invalid_json');
      expect((await beach.get('a')).status).toBe(404);
      await expectStillServing();
    });

    it('bad addresses, pscales and field types are 400', async () => {
      expect((await beach.post('addr', { content: { _: 'A', 1: 'one' } })).status).toBe(200);
      for (const spindle of ['abc', '1..2', '1.2.3', '-1', '1'.repeat(100_000).slice(0, 5000)]) {
        expectRefusal(await beach.post('addr', { spindle, content: 'x' }), 400, 'invalid_address');
        expectRefusal(await beach.get('addr', { spindle }), 400, 'invalid_address');
      }
      expectRefusal(await beach.get('addr', { pscale: 'deep' }), 400, 'invalid_pscale');
      expectRefusal(await beach.post('addr', { spindle: { 1: 2 }, content: 'x' }), 400, 'invalid_address');
      expectRefusal(await beach.post('addr', { spindle: '1', content: 'x', secret: 7 }), 400, 'invalid_shape');
      expectRefusal(await beach.post('addr', { spindle: '1', new_lock: ['k'] }), 400, 'invalid_shape');
      expectRefusal(await beach.post('addr', { append: true, content: 'x', resolve_window: 5 }), 400, 'invalid_shape');
      expectRefusal(await beach.post('grain:p', { action: 'reach', side: '1', agent_id: 'a', my_side_content: { 1: 'x' }, my_passphrase: 5 }), 400, 'invalid_shape');
      let deep = '"leaf"';
      for (let i = 0; i < 1200; i += 1) deep = `{"1":${deep}}`;
      expectRefusal(await beach.post('addr', `{"spindle":"1","content":${deep}}`), 400, 'invalid_shape');
      expectRefusal(await beach.post('addr', `${'['.repeat(4000)}${']'.repeat(4000)}`), 400, 'invalid_shape');
      expectRefusal(await beach.post('x'.repeat(2000), { content: { _: 'long name' } }), 400, 'invalid_shape');
      expect(await beach.block('addr')).toEqual({ _: 'A', 1: 'one' });
      await expectStillServing();
    });

    it('a deep floor or a huge pscale costs what the block holds, and answers', async () => {
      let deepFloor: unknown = 'identity at the bottom';
      for (let i = 0; i < 40; i += 1) deepFloor = { _: deepFloor };
      expect((await beach.post('deep-floor', { content: deepFloor })).status).toBe(200);
      expect((await beach.post('deep-floor', { append: true, content: 'entry' })).body).toMatchObject({ ok: true, slot: '1'.repeat(40), floor: 40 });
      expect((await beach.post('shallow', { content: { _: 'S', 1: { _: 'one', 2: 'two' } } })).status).toBe(200);
      const far = await beach.get('shallow', { spindle: '1', pscale: String(-Number.MAX_SAFE_INTEGER) });
      expect(far.status).toBe(200);
      expect(far.body.descent).toEqual([{ address: '1.2', depth: 2, pscale: -1, content: 'two' }]);
      await expectStillServing();
    });

    it('hostile block names are ordinary names', async () => {
      const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'];
      for (const name of names) {
        expect((await beach.post(name, { content: { _: `block ${name}` } })).status).toBe(200);
        expect((await beach.post(name, { append: true, content: 'entry' })).body).toMatchObject({ ok: true, slot: '1' });
        expect(await beach.block(name)).toEqual({ _: `block ${name}`, 1: 'entry' });
        expect((await beach.post(`sed:${name}`, { action: 'register', declaration: 'me', passphrase: 'p' })).body).toMatchObject({ position: '11' });
        expect((await beach.post(`grain:${name}`, { action: 'reach', side: '1', agent_id: 'a', my_side_content: 'hi', my_passphrase: 'p' })).body).toMatchObject({ state: 'established' });
      }
      expect((await beach.post('__proto__', { content: JSON.parse('{"_":"x","__proto__":{"_":"y"}}'), confirm: true })).body).toMatchObject({ code: 'invalid_shape' });
      const index = (await beach.get()).body;
      for (const name of names) {
        expect(index.blocks).toContain(name);
        expect(Object.prototype.hasOwnProperty.call(index.bytes, name)).toBe(true);
      }
      expect((await beach.delete('__proto__', { confirm: true })).body).toEqual({ ok: true, wiped: '__proto__' });
      expect((await beach.get('__proto__')).status).toBe(404);
      expect(await beach.block('constructor')).toEqual({ _: 'block constructor', 1: 'entry' });
      await expectStillServing();
    });
  });
});

describe(`blocks survive a restart (${TEST_STORE})`, () => {
  it('keeps blocks and locks; the lock salt follows PUBLIC_URL across a new listen port', async () => {
    let server = await startServer({ args: serverArgs() });
    const dataDir = server.dataDir;
    try {
      let beach = new BeachClient(new TestClient(server.url));
      expect((await beach.post('diary', { content: { _: 'my diary', 1: 'day one' }, new_lock: 'mine' })).status).toBe(200);
      expect((await beach.post('sed:club', { action: 'register', declaration: 'founder', passphrase: 'f' })).status).toBe(200);
      const firstUrl = server.url;
      await server.kill();

      server = await startServer({ dataDir, args: serverArgs() });
      expect(server.url).not.toBe(firstUrl);
      beach = new BeachClient(new TestClient(server.url));
      expect(await beach.block('diary')).toEqual({ _: 'my diary', 1: 'day one' });
      expect((await beach.get()).body).toMatchObject({ origin: 'beach.test:9999', blocks: ['diary', 'sed:club'] });
      expect((await beach.post('diary', { spindle: '2', content: 'day two' })).status).toBe(403);
      expect((await beach.post('diary', { spindle: '2', content: 'day two', secret: 'mine' })).status).toBe(200);
      expect((await beach.post('sed:club', { spindle: '11', content: 'still founder', secret: 'f' })).status).toBe(200);
      await server.stop();

      // Another public URL is another beach: its origin salts ordinary locks differently (§6.5).
      server = await startServer({ dataDir, args: serverArgs('http://elsewhere.test') });
      beach = new BeachClient(new TestClient(server.url));
      expect((await beach.post('diary', { spindle: '3', content: 'day three', secret: 'mine' })).body).toMatchObject({ code: 'lock_required', error: 'secret does not match' });
    } finally {
      await server.stop();
      removeDir(dataDir);
    }
  });
});
