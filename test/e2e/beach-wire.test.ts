// The beach wire protocol (bsp-beach §8) over HTTP, in process: the §11.4–11.8 rows as data, the
// surface index, CORS on this path only, the origin from PUBLIC_URL, and hostile input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPASS, F3 } from '../../src/beach/conformance/fixtures.js';
import { bspRead } from '../../src/beach/index.js';
import { MemoryBeachStore } from '../../src/server/storage/memory/memory-beach-store.js';
import { BEACH, runSteps } from '../support/beach-client.js';
import { beachApp, type BeachApp } from '../support/beach-app.js';
import { SCENARIOS } from './beach-scenarios.js';

let t: BeachApp;
beforeEach(() => {
  t = beachApp();
});
afterEach(async () => {
  await t.app.close();
});

describe('bsp-beach §11.4–11.8 over HTTP', () => {
  it.each(SCENARIOS)('%s', async (_id, steps) => {
    await runSteps(t.beach, steps);
  });

  it('A10 (in process): concurrent appends take distinct slots', async () => {
    const acks = await Promise.all(Array.from({ length: 6 }, (_, i) => t.beach.post('log', { append: true, content: `e${i}` })));
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(acks.map((a) => a.body.slot)).size).toBe(6);
  });

  it('a won window claim expires after 120 s', async () => {
    const claim = (who: string) => t.beach.post('pool:w', { append: true, content: { _: who, 1: who }, resolve_window: 'w1' });
    expect((await claim('first')).status).toBe(200);
    t.clock.at += 119_000;
    expect((await claim('second')).body).toMatchObject({ code: 'window_already_resolved', resolved_by: 'first' });
    t.clock.at += 2_000;
    expect((await claim('third')).status).toBe(200);
    expect((await t.beach.post('pool:w', { append: true, content: 'plain append keeps the claim' })).status).toBe(200);
    expect((await claim('fourth')).body).toMatchObject({ code: 'window_already_resolved', resolved_by: 'third' });
  });
});

describe('shaped reads over HTTP equal the engine reads (§11.2 fixtures)', () => {
  const pairs: Array<[string, string, string | null]> = [
    ['F3', '', '0'], ['F3', '', '-1'], ['F3', '', '-2'], ['F3', '', '2'], ['F3', '', '3'], ['F3', '', '-5'],
    ['F3', '100', '2'], ['F3', '123', '1'], ['F3', '123', '0'], ['F3', '123', '-1'], ['F3', '123.4', '-2'], ['F3', '123.473', '-3'], ['F3', '158', '0'],
    ['F3', '1*', null], ['F3', '123*', null], ['F3', '1*', '1'],
    ['COMPASS', '5*', null], ['COMPASS', '7*', null], ['COMPASS', '7*', '0'], ['COMPASS', '9*', null], ['COMPASS', '5', '-1'], ['COMPASS', '', '0'],
  ];

  it.each(pairs)('%s spindle %j pscale %j', async (fixture, spindle, pscale) => {
    const block = fixture === 'F3' ? F3 : COMPASS;
    expect((await t.beach.post(fixture, { content: block })).status).toBe(200);
    const res = await t.beach.get(fixture, { ...(spindle === '' ? {} : { spindle }), ...(pscale === null ? {} : { pscale }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(bspRead(block, spindle === '' ? null : spindle, pscale === null ? null : Number(pscale)))));
    expect(res.body.shape).toEqual(expect.any(String));
  });

  it('a spindle without pscale answers the raw node; no spindle, the whole block', async () => {
    await t.beach.post('F3', { content: F3 });
    expect((await t.beach.get('F3', { spindle: '123' })).body).toEqual(F3[1][2][3]);
    expect((await t.beach.get('F3')).body).toEqual(F3);
  });
});

describe('block names', () => {
  it('refuses names a store could not list back faithfully: lone surrogates, over 1,024 characters', async () => {
    for (const name of ['\ud800', 'a\udc00b', 'x'.repeat(1025)]) {
      const res = await t.http.request('POST', BEACH, { block: name, content: { _: 'x' } });
      expect(res.status, name).toBe(400);
      expect(res.body.code).toBe('invalid_shape');
      expect((await t.http.request('DELETE', BEACH, { block: name, confirm: true })).status).toBe(400);
    }
    for (const name of ['😀 emoji pair', 'x'.repeat(1024), 'tab\there', 'sed:名前']) {
      expect((await t.http.request('POST', BEACH, { block: name, content: { _: 'x' } })).status, name).toBe(200);
    }
    expect((await t.beach.get()).body.blocks).toHaveLength(4);
  });
});

describe('a failing store', () => {
  it('is a logged 500 handler_crash that keeps CORS, and nothing else breaks', async () => {
    const broken = new MemoryBeachStore();
    broken.transact = () => Promise.reject(new Error('disk on fire'));
    const b = beachApp(undefined, broken);
    try {
      const res = await b.beach.post('a', { content: { _: 'A' } });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: expect.any(String), code: 'handler_crash', message: expect.any(String) });
      expect(res.body.error).not.toContain('disk on fire');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect((await b.beach.get()).status).toBe(200);
    } finally {
      await b.app.close();
    }
  });
});

describe('H1: the surface index', () => {
  const lead = "URL surface at beach.example.com. Named sibling blocks listed below; address each via ?block=<name>; bytes maps each block to its stored size — pick an aperture before the read. Substrate-wide conventions at bsp(agent_id='pscale', block='block-conventions').";

  it('lists nothing on an empty beach', async () => {
    const res = await t.beach.get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ _: lead, origin: 'beach.example.com', blocks: [], bytes: {} });
    expect((await t.beach.get('')).body).toEqual(res.body);
  });

  it('lists every stored block, sorted, with its JSON size; lock-only records are not blocks', async () => {
    await t.beach.post('zeta', { content: { _: 'Z' } });
    await t.beach.post('alpha', { content: { _: 'A', 1: 'one' } });
    await t.beach.post('constructor', { content: { _: 'Ç' } });
    await t.beach.post('lock-only', { new_lock: 'k' });
    const res = await t.beach.get();
    expect(res.body.blocks).toEqual(['alpha', 'constructor', 'zeta']);
    expect(res.body.bytes).toEqual({ alpha: JSON.stringify({ _: 'A', 1: 'one' }).length, constructor: 10, zeta: 9 });
    await t.beach.delete('zeta', { confirm: true });
    expect((await t.beach.get()).body.blocks).toEqual(['alpha', 'constructor']);
  });
});

describe('CORS: open on the beach path, and only there', () => {
  const BEACH_CORS = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': 'Content-Type, Accept',
  };
  const headersOf = (res: { headers: Headers }) => Object.fromEntries(Object.keys(BEACH_CORS).map((h) => [h, res.headers.get(h)]));

  it('answers a preflight with 204 and every answer (errors too) with the CORS headers and no-store', async () => {
    const preflight = await t.http.request('OPTIONS', BEACH, undefined, { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(204);
    expect(preflight.body).toBeNull();
    expect(headersOf(preflight)).toEqual(BEACH_CORS);
    const answers = [
      await t.beach.get(),
      await t.beach.get('nope'),
      await t.beach.post('a', { content: { _: 'A' } }),
      await t.beach.post('a', '{not json'),
      await t.beach.delete('a', {}),
      await t.http.request('PUT', BEACH, {}),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 200, 400, 400, 405]);
    for (const answer of answers) {
      expect(headersOf(answer)).toEqual(BEACH_CORS);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(answers[5]!.body).toEqual({ error: 'Method not allowed', code: 'invalid_shape', message: 'Method not allowed' });
  });

  it('does not lend the beach headers to the room API', async () => {
    const room = await t.http.post('/rooms', { id: 'r1' });
    expect(room.status).toBe(201);
    const preflight = await t.http.request('OPTIONS', '/rooms', undefined, { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' });
    for (const res of [room, await t.http.get('/healthz'), preflight]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).not.toBe(BEACH_CORS['access-control-allow-methods']);
      expect(res.headers.get('access-control-allow-headers')).not.toBe(BEACH_CORS['access-control-allow-headers']);
    }
    expect((await t.http.get(`${BEACH}/`)).status).toBe(404);
  });

  it('answers any Host in local mode (it is open to every origin), while the room API checks it', async () => {
    const foreign = { host: 'rebound.example' };
    expect((await t.http.request('GET', BEACH, undefined, foreign)).status).toBe(200);
    expect((await t.http.request('POST', `${BEACH}?block=a`, { content: { _: 'A' } }, foreign)).status).toBe(200);
    expect((await t.http.request('GET', '/rooms', undefined, foreign)).body).toMatchObject({ error: 'host_not_allowed' });
  });
});

describe('the origin comes from PUBLIC_URL', () => {
  it('salts ordinary locks with host and port, as the §4.3 vector', async () => {
    expect((await t.beach.post('passport:weft', { content: { _: 'weft' }, new_lock: 's3cret' })).status).toBe(200);
    expect((await t.store.get('passport:weft'))!.locks).toEqual({ _: '15ade5a843354dc19d8236809c7a726f76ec0416c4c85e3f1c89cc64b18ad010' });
  });

  it('defaults to localhost:<port>, and a public URL with a port keeps it', async () => {
    const plain = beachApp(['--port', '4321']);
    const ported = beachApp(['--public-url', 'http://10.1.2.3:8080/ignored/path']);
    try {
      expect((await plain.beach.get()).body.origin).toBe('localhost:4321');
      plain.app.listeningOn(5555);
      expect((await plain.beach.get()).body.origin).toBe('localhost:5555');
      expect((await ported.beach.get()).body.origin).toBe('10.1.2.3:8080');
      ported.app.listeningOn(5555);
      expect((await ported.beach.get()).body.origin).toBe('10.1.2.3:8080');
      expect((await ported.beach.post('sed:c', { action: 'register', declaration: 'd', passphrase: 'p' })).status).toBe(200);
      expect((await ported.beach.get('sed:c')).body._).toBe('sed: collective c hosted at 10.1.2.3:8080');
    } finally {
      await plain.app.close();
      await ported.app.close();
    }
  });
});

describe('block size bound (--beach-max-block-bytes)', () => {
  it('refuses an append or a write that would grow a block past the bound, and stores nothing of it', async () => {
    const small = beachApp(['--public-url', 'https://beach.example.com', '--beach-max-block-bytes', '2048']);
    try {
      const entry = 'x'.repeat(600);
      const acks = [];
      for (let i = 0; i < 4; i++) acks.push(await small.beach.post('diary', { append: true, content: entry }));
      expect(acks.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
      expect(acks[3]).toMatchObject({ status: 413, body: { code: 'block_too_large' } });
      const kept = await small.store.get('diary');
      expect(Buffer.byteLength(JSON.stringify(kept!.block))).toBeLessThanOrEqual(2048);
      expect(JSON.stringify(kept!.block).split(entry).length - 1).toBe(3);
      const whole = await small.beach.post('big', { content: { _: 'y'.repeat(3000) } });
      expect(whole).toMatchObject({ status: 413, body: { code: 'block_too_large' } });
      expect(await small.store.get('big')).toBeNull();
    } finally {
      await small.app.close();
    }
  });
});
