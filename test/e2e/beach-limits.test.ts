// Per-client limits on the open beach: read, write, creation and fetch budgets on the wire protocol,
// /mcp/beach and the beach tools; a per-client share of the Argon2id queue. The limits bite (also
// under racing requests), other clients keep being served, and so does the server. The budgets live
// in the identity store's rate-limit windows: two servers on one PostgreSQL share them.
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app.js';
import { asClient } from '../../src/server/beach/limits.js';
import { FederationError, type BeachFetch } from '../../src/server/beach/federation/ssrf.js';
import { loadConfig } from '../../src/server/config.js';
import { ArgonWorker } from '../../src/server/crypto/argon-worker.js';
import { SyncError } from '../../src/core/errors.js';
import { BEACH } from '../support/beach-client.js';
import { beachApp, clientAt, T0, type BeachApp } from '../support/beach-app.js';
import { serveInProcess } from '../support/in-process-server.js';
import { connectMcp } from '../support/mcp.js';
import { DATABASE_URL, freshSchema, postgresForTests } from '../support/postgres.js';

const B = (block = '', query = '') => `${BEACH}${block === '' ? '' : `?block=${encodeURIComponent(block)}`}${query}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function app(args: string[], beachFetch?: BeachFetch): BeachApp {
  const t = beachApp(['--public-url', 'https://beach.example.com', ...args], undefined, beachFetch ? { beachFetch } : {});
  cleanups.push(() => t.app.close());
  return t;
}

const write = (name: string, i = 0) => ({ content: { _: `${name} ${i}` } });

describe('the wire protocol, per client address', () => {
  it('racing: 20 concurrent writes from one address with 5 a minute → exactly 5 land, 15 are 429 with Retry-After', async () => {
    const t = app(['--beach-writes-per-minute', '5']);
    const a = clientAt(t.app, '203.0.113.7');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => a.request('POST', B('notes'), { spindle: String((i % 9) + 1), content: `w${i}` })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.body).toEqual({ error: expect.stringMatching(/beach writes from your address: at most 5 a minute/), code: 'too_many_requests', message: r.body.error, retry_after: 60 });
      expect(r.headers.get('retry-after')).toBe('60');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
    }
    // Reads are another budget; another address has its own writes; the window's end frees this one.
    expect((await a.get(B('notes'))).status).toBe(200);
    expect((await clientAt(t.app, '198.51.100.2').request('POST', B('other'), write('other'))).status).toBe(200);
    t.clock.at += 30_000;
    const later = await a.request('POST', B('later'), write('later'));
    expect(later.status).toBe(429);
    expect(later.body.retry_after).toBe(30);
    t.clock.at += 30_000;
    expect((await a.request('POST', B('later'), write('later'))).status).toBe(200);
  });

  it('reads have their own budget, shared by every world of the beach; preflights are free', async () => {
    const t = app(['--beach-reads-per-minute', '3']);
    const a = clientAt(t.app, '203.0.113.7');
    for (let i = 0; i < 5; i++) expect((await a.request('OPTIONS', B())).status).toBe(204);
    expect((await a.get(B())).status).toBe(200);
    expect((await a.get(`/w/drum${BEACH}`)).status).toBe(200);
    expect((await a.get(B('x', '&world=isle'))).status).toBe(404);
    expect((await a.get(`/w/drum${BEACH}`)).status).toBe(429);
    expect((await a.request('POST', B('notes'), write('notes'))).status).toBe(200);
    expect((await clientAt(t.app, '203.0.113.8').get(B())).status).toBe(200);
  });

  it('IPv6 clients count by their /64: another address in it shares the budget, the next /64 does not', async () => {
    const t = app(['--beach-writes-per-minute', '2']);
    expect((await clientAt(t.app, '2001:db8:0:1::1').request('POST', B('a1'), write('a'))).status).toBe(200);
    expect((await clientAt(t.app, '2001:db8:0:1::2').request('POST', B('a2'), write('a'))).status).toBe(200);
    expect((await clientAt(t.app, '2001:db8:0:1:ffff::3').request('POST', B('a3'), write('a'))).status).toBe(429);
    expect((await clientAt(t.app, '2001:db8:0:2::1').request('POST', B('a4'), write('a'))).status).toBe(200);
  });

  it('racing: 10 concurrent new blocks from one address with 2 an hour → exactly 2 exist; writes into them go on', async () => {
    const t = app(['--beach-creates-per-hour', '2']);
    const a = clientAt(t.app, '203.0.113.7');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => a.request('POST', B(`b${i}`), write('b', i))));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(2);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(8);
    expect(refused[0]!.body).toMatchObject({ code: 'too_many_requests', error: expect.stringMatching(/new beach blocks .* at most 2 an hour/), retry_after: 3600 });
    expect((await t.http.get(B())).body.blocks).toHaveLength(2);
    const created = (await t.http.get(B())).body.blocks[0];
    expect((await a.request('POST', B(created), { spindle: '1', content: 'more' })).status).toBe(200);
    expect((await a.request('POST', `/w/elsewhere${BEACH}?block=new`, write('new'))).status).toBe(429);
    expect((await clientAt(t.app, '198.51.100.2').request('POST', B('theirs'), write('theirs'))).status).toBe(200);
  });
});

describe('the beach tools: fetch budget and the Argon2id share', () => {
  it('a client\'s fetches of other beaches stop at its budget; nothing more is fetched; others go on', async () => {
    const fetched: string[] = [];
    const remote: BeachFetch = async (url) => {
      fetched.push(url);
      if (new URL(url).hostname !== 'far.example.net') throw new FederationError(`${new URL(url).origin} is unreachable: ENOTFOUND`, 'network');
      return { status: 200, text: JSON.stringify({ _: 'far', origin: 'far.example.net', blocks: [] }) };
    };
    const t = app(['--beach-fetches-per-minute', '3'], remote);
    const bsp = t.app.beachTools.find((x) => x.name === 'bsp')!;
    const read = () => bsp.handler({ agent_id: 'https://far.example.net' });
    // Each index read is a probe plus the read: two fetches.
    expect((await asClient('203.0.113.7', read)).content[0]!.text).toMatch(/^\[beach index @ https:\/\/far\.example\.net\]/);
    expect((await asClient('203.0.113.7', read)).content[0]!.text).toMatch(/^\[beach index/); // the probe is cached: one fetch
    await expect(asClient('203.0.113.7', read)).rejects.toMatchObject({ code: 'too_many_requests', message: expect.stringMatching(/fetches of other beaches/) });
    expect(fetched).toHaveLength(3);
    expect((await asClient('198.51.100.2', read)).content[0]!.text).toMatch(/^\[beach index/);
    // The server's own work (no client) is not charged.
    expect((await read()).content[0]!.text).toMatch(/^\[beach index/);
  });

  it('one client holds at most its share of the Argon2id queue; another client is served meanwhile', async () => {
    const worker = new ArgonWorker(16, 2);
    cleanups.push(() => worker.close());
    const derive = (client: string, i: number) => asClient(client, () => worker.seed(`secret ${i}`, `handle${i}`));
    const mine = [derive('203.0.113.7', 1), derive('203.0.113.7', 2)];
    const third = derive('203.0.113.7', 3);
    await expect(third).rejects.toBeInstanceOf(SyncError);
    await expect(third).rejects.toMatchObject({ code: 'too_many_requests', details: { retry_after: 1 } });
    const theirs = derive('198.51.100.2', 4);
    const seeds = await Promise.all([...mine, theirs]);
    expect(seeds.map((s) => s.length)).toEqual([64, 64, 64]);
    // Finished derivations free the share.
    expect((await derive('203.0.113.7', 5)).length).toBe(64);
  });
});

describe('/mcp/beach and the beach tools over MCP (D2 errors)', () => {
  it('tool calls spend the caller\'s read and write budgets; past one, a D2 too_many_requests result; the server keeps serving', async () => {
    const served = await serveInProcess(['--beach-writes-per-minute', '2', '--beach-reads-per-minute', '6']);
    cleanups.push(() => served.close());
    served.app.listeningOn(Number(new URL(served.url).port));
    // This server's own URL (its public URL is localhost:<port>): reached without HTTP.
    const own = `http://localhost:${new URL(served.url).port}`;
    const mcp = await connectMcp(served.url, undefined, '/mcp/beach'); // one read: the session
    cleanups.push(() => mcp.close());
    const writeCall = (i: number) => mcp.call('bsp', { agent_id: own, block: `m${i}`, content: { _: `m${i}` } });
    expect(await writeCall(1)).toMatchObject({ isError: false });
    expect(await writeCall(2)).toMatchObject({ isError: false });
    const refused = await writeCall(3);
    expect(refused.isError).toBe(true);
    expect(refused.code).toBe('too_many_requests');
    expect(refused.body).toMatchObject({ error: 'too_many_requests', message: expect.stringMatching(/beach writes/), retry_after: expect.any(Number) });
    expect((await mcp.call('bsp', { agent_id: own, block: 'm1', pscale_attention: 0 })).text).toContain('m1');
    expect((await mcp.call('bsp', { agent_id: 'pscale' })).isError).toBe(false);
    // Sessions spend reads too: past the budget a new session is refused with a D2 429 and Retry-After.
    const opened: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${served.url}/mcp/beach`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
      opened.push(res.status);
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({ error: 'too_many_requests', retry_after: expect.any(Number) });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } else await res.body?.cancel();
    }
    expect(opened).toContain(429);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
  });
});

/** A request from a chosen loopback source address (the server sees it as another client). */
function requestFrom(url: string, localAddress: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? null : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('over TCP: one address flooding, another served', () => {
  it('127.0.0.1 is limited while 127.0.0.2 writes; raw ../ paths stay the base beach; the server keeps serving', async () => {
    const served = await serveInProcess(['--beach-writes-per-minute', '5']);
    cleanups.push(() => served.close());
    const flood = await Promise.all(Array.from({ length: 12 }, (_, i) => requestFrom(`${served.url}${B('flood')}`, '127.0.0.1', 'POST', { spindle: String((i % 9) + 1), content: `f${i}` })));
    expect(flood.filter((r) => r.status === 200)).toHaveLength(5);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(7);
    expect((await requestFrom(`${served.url}${B('calm')}`, '127.0.0.2', 'POST', write('calm'))).status).toBe(200);
    for (const path of ['/w/../.well-known/pscale-beach', '/w/%2e%2e/.well-known/pscale-beach', '/w/a%2Fb/.well-known/pscale-beach?block=x']) {
      const res = await requestFrom(`${served.url}${path}`, '127.0.0.3', 'GET');
      expect([200, 400, 404], path).toContain(res.status);
      if (res.status === 200) expect(res.body.origin, path).not.toMatch(/\/w\//);
    }
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
  });
});

const pg = await postgresForTests();

describe.skipIf(!pg)('two servers on one PostgreSQL share the budgets and the block count', () => {
  const apps: App[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });

  async function pgApp(schema: string, args: string[]): Promise<App> {
    const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema}`;
    const clock = { now: () => T0 };
    const a = createApp(loadConfig(['--store', 'postgres', '--database-url', url, '--public-url', 'https://beach.example.com', ...args], {}), { log: pino({ level: 'silent' }), clock });
    await a.start();
    apps.push(a);
    return a;
  }

  it('racing across both: 20 writes from one address with 6 a minute → 6 land; 20 new blocks in a world of 4 → 4 exist', async () => {
    const schema = await freshSchema();
    cleanups.push(() => schema.drop());
    const one = await pgApp(schema.name, ['--beach-writes-per-minute', '6']);
    const two = await pgApp(schema.name, ['--beach-writes-per-minute', '6']);
    const from = [clientAt(one, '203.0.113.7'), clientAt(two, '203.0.113.7')];
    const writes = await Promise.all(Array.from({ length: 20 }, (_, i) => from[i % 2]!.request('POST', B('shared'), { spindle: String((i % 9) + 1), content: `s${i}` })));
    expect(writes.filter((r) => r.status === 200)).toHaveLength(6);
    expect(writes.filter((r) => r.status === 429)).toHaveLength(14);

    const q1 = await pgApp(schema.name, ['--beach-max-blocks', '4', '--beach-writes-per-minute', '0', '--beach-creates-per-hour', '0']);
    const q2 = await pgApp(schema.name, ['--beach-max-blocks', '4', '--beach-writes-per-minute', '0', '--beach-creates-per-hour', '0']);
    const creators = [clientAt(q1, '198.51.100.9'), clientAt(q2, '198.51.100.9')];
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => creators[i % 2]!.request('POST', `/w/pg${BEACH}?block=b${i}`, write('b', i))));
    expect(created.filter((r) => r.status === 200)).toHaveLength(4);
    expect(created.filter((r) => r.status === 507)).toHaveLength(16);
    expect((await creators[0]!.get(`/w/pg${BEACH}`)).body.blocks).toHaveLength(4);
  }, 60_000);
});
