// Worlds (bsp-beach §6.5): path worlds (`/w/<world>/…` and `?world=`), subdomain worlds (Host),
// each an isolated beach with its own storage and lock salt; hostile world names; the tools and
// federation reaching a world; pscale_play's world resolution; the per-world block quota.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storageName } from '../../src/server/beach/beach-service.js';
import type { BeachFetch } from '../../src/server/beach/federation/ssrf.js';
import { FederationError } from '../../src/server/beach/federation/ssrf.js';
import { SqliteBeachStore } from '../../src/server/storage/sqlite/sqlite-beach-store.js';
import { SqliteRoomStore } from '../../src/server/storage/sqlite/sqlite-room-store.js';
import { BEACH } from '../support/beach-client.js';
import { beachApp, type BeachApp } from '../support/beach-app.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';

const W = (world: string, block = '') => `/w/${world}${BEACH}${block === '' ? '' : `?block=${encodeURIComponent(block)}`}`;
const Q = (world: string, block = '') => `${BEACH}?world=${encodeURIComponent(world)}${block === '' ? '' : `&block=${encodeURIComponent(block)}`}`;
const B = (block = '') => `${BEACH}${block === '' ? '' : `?block=${encodeURIComponent(block)}`}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function app(args: string[] = [], fetched: string[] = []): BeachApp {
  const noNetwork: BeachFetch = async (url) => {
    fetched.push(url);
    throw new FederationError(`${new URL(url).origin} is unreachable: ENOTFOUND`, 'network');
  };
  const t = beachApp(['--public-url', 'https://beach.example.com', ...args], undefined, { beachFetch: noNetwork });
  cleanups.push(() => t.app.close());
  return t;
}

/** The app on a SQLite beach store (a real file). */
function sqliteApp(args: string[]): BeachApp {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sync-worlds-'));
  const rooms = new SqliteRoomStore(join(dir, 'agent-sync.db'));
  const t = beachApp(['--public-url', 'https://beach.example.com', ...args], new SqliteBeachStore(rooms.db));
  cleanups.push(async () => {
    await t.app.close();
    await rooms.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return t;
}

const onHost = (host: string) => ({ host });

describe('worlds are isolated beaches', () => {
  it('the base beach, two path worlds, a ?world= world and a subdomain world never see each other\'s blocks', async () => {
    const t = app();
    const worlds: Array<[string, string, Record<string, string>, string]> = [
      ['base', B(), {}, 'beach.example.com'],
      ['a', W('a'), {}, 'beach.example.com/w/a'],
      ['b', W('b'), {}, 'beach.example.com/w/b'],
      ['c', Q('c'), {}, 'beach.example.com/w/c'],
      ['sub', B(), onHost('sub.beach.example.com'), 'sub.beach.example.com'],
    ];
    const withBlock = (path: string, block: string) => `${path}${path.includes('?') ? '&' : '?'}block=${block}`;
    for (const [name, path, headers] of worlds) {
      expect((await t.http.request('POST', withBlock(path, 'notes'), { content: { _: `notes of ${name}` } }, headers)).status).toBe(200);
    }
    expect((await t.http.request('POST', withBlock(W('a'), 'only-a'), { content: { _: 'a alone' } })).status).toBe(200);
    for (const [name, path, headers, origin] of worlds) {
      expect((await t.http.request('GET', withBlock(path, 'notes'), undefined, headers)).body, name).toEqual({ _: `notes of ${name}` });
      const index = await t.http.request('GET', path, undefined, headers);
      expect(index.body.origin, name).toBe(origin);
      expect(index.body.blocks, name).toEqual(name === 'a' ? ['notes', 'only-a'] : ['notes']);
      if (name !== 'a') expect((await t.http.request('GET', withBlock(path, 'only-a'), undefined, headers)).status, name).toBe(404);
    }
  });

  it('/w/<world>/ and ?world=<world> name one world, whatever the case', async () => {
    const t = app();
    await t.http.request('POST', W('Drum', 'notes'), { content: { _: 'the drum' } });
    expect((await t.http.get(Q('drum', 'notes'))).body).toEqual({ _: 'the drum' });
    expect((await t.http.get(Q(' DRUM ', 'notes'))).body).toEqual({ _: 'the drum' });
    expect((await t.http.get(W('drum', 'notes'))).body).toEqual({ _: 'the drum' });
    expect((await t.http.get(Q('', 'notes'))).status).toBe(404); // an empty world is the base beach
  });

  it('a lock salt differs per world: the §4.3 formula with the world\'s origin', async () => {
    const t = app();
    const lock = { content: { _: 'weft' }, new_lock: 's3cret' };
    expect((await t.http.request('POST', B('passport:weft'), lock)).status).toBe(200);
    expect((await t.http.request('POST', W('drum', 'passport:weft'), lock)).status).toBe(200);
    expect((await t.http.request('POST', B('passport:weft'), lock, onHost('isle.beach.example.com'))).status).toBe(200);
    const hashAt = async (name: string) => (await t.store.get(name))!.locks['_'];
    // The spec's own vector on the base beach, then the same formula with each world's origin.
    expect(await hashAt('passport:weft')).toBe('15ade5a843354dc19d8236809c7a726f76ec0416c4c85e3f1c89cc64b18ad010');
    const drum = await hashAt(storageName({ kind: 'path', label: 'drum' }, 'passport:weft'));
    const isle = await hashAt(storageName({ kind: 'subdomain', sub: 'isle' }, 'passport:weft'));
    expect(drum).toBe(sha256('s3cretblock:https://beach.example.com/w/drum:passport:weft:_'));
    expect(isle).toBe(sha256('s3cretblock:https://isle.beach.example.com:passport:weft:_'));
    expect(new Set([drum, isle, await hashAt('passport:weft')]).size).toBe(3);
    // Each world's lock guards its own block only.
    expect((await t.http.request('POST', W('drum', 'passport:weft'), { spindle: '1', content: 'x' })).body.code).toBe('lock_required');
    expect((await t.http.request('POST', W('drum', 'passport:weft'), { spindle: '1', content: 'x', secret: 's3cret' })).status).toBe(200);
    expect((await t.http.get(B('passport:weft'))).body).toEqual({ _: 'weft' });
  });

  it('constructor is an ordinary world; __proto__, .., encoded slashes and bad labels are refused and store nothing', async () => {
    const t = app();
    expect((await t.http.request('POST', W('constructor', 'notes'), { content: { _: 'c' } })).status).toBe(200);
    expect((await t.http.get(W('constructor'))).body).toMatchObject({ origin: 'beach.example.com/w/constructor', blocks: ['notes'] });
    const hostile: Array<[string, Record<string, string>]> = [
      [W('__proto__', 'notes'), {}],
      [W('a%2Fb', 'notes'), {}],
      [W('a%2fb', 'notes'), {}],
      [W('-bad-', 'notes'), {}],
      [W('x'.repeat(65), 'notes'), {}],
      [Q('..', 'notes'), {}],
      [Q('__proto__', 'notes'), {}],
      [Q('a/b', 'notes'), {}],
      [Q('constructor.prototype', 'notes'), {}],
      [B('notes'), onHost('bad_label.beach.example.com')],
      [B('notes'), onHost('__proto__.beach.example.com')],
    ];
    for (const [path, headers] of hostile) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await t.http.request(method, path, method === 'GET' ? undefined : { content: { _: 'x' }, confirm: true }, headers);
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(400);
        expect(res.body).toMatchObject({ code: 'invalid_shape', error: expect.stringMatching(/world/) });
      }
    }
    expect((await t.http.get(B())).body.blocks).toEqual([]);
    expect((await t.store.list()).map((s) => s.name)).toEqual([storageName({ kind: 'path', label: 'constructor' }, 'notes')]);
  });

  it('a base block name cannot reach into a world\'s storage (the separators are reserved)', async () => {
    const t = app();
    await t.http.request('POST', W('a', 'notes'), { content: { _: 'a' } });
    const inner = storageName({ kind: 'path', label: 'a' }, 'notes');
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await t.http.request(method, B(inner), method === 'GET' ? undefined : { content: { _: 'x' }, confirm: true });
      expect(res.status, method).toBe(400);
    }
    expect((await t.http.get(W('a', 'notes'))).body).toEqual({ _: 'a' });
  });
});

describe('the tools reach this server\'s worlds without HTTP', () => {
  const call = async (t: BeachApp, name: string, args: Record<string, unknown>) => {
    const result = await t.app.beachTools.find((x) => x.name === name)!.handler(args);
    return result.content[0]!.text;
  };

  it('bsp writes and reads a path world and a subdomain world by URL; nothing is fetched', async () => {
    const fetched: string[] = [];
    const t = app([], fetched);
    await call(t, 'bsp', { agent_id: 'https://beach.example.com/w/drum', block: 'notes', content: { _: 'in the drum' }, new_lock: 'k' });
    await call(t, 'bsp', { agent_id: 'https://Isle.Beach.Example.com/', block: 'notes', content: { _: 'on the isle' } });
    expect((await t.http.get(W('drum', 'notes'))).body).toEqual({ _: 'in the drum' });
    expect((await t.http.request('GET', B('notes'), undefined, onHost('isle.beach.example.com'))).body).toEqual({ _: 'on the isle' });
    expect((await t.http.get(B('notes'))).status).toBe(404);
    expect(await call(t, 'bsp', { agent_id: 'https://beach.example.com/w/drum', block: 'notes', pscale_attention: 0 })).toContain('in the drum');
    expect(await call(t, 'bsp', { agent_id: 'https://beach.example.com/w/drum' })).toMatch(/^\[beach index @ https:\/\/beach\.example\.com\/w\/drum\]/);
    // The world's lock is salted by the world's origin, and the tool's write went through it.
    expect(await call(t, 'bsp', { agent_id: 'https://beach.example.com/w/drum', block: 'notes', spindle: '1', content: 'x' })).toMatch(/lock/);
    expect(fetched).toEqual([]);
  });

  const directory = { _: 'worlds of this beach', 1: { 1: 'drum', 2: '/w/drum-hall' }, 2: { _: 'far', 2: 'https://far.example.net' }, 3: { 1: 'isle', 2: 'isle.beach.example.com' } };
  const plays: Array<[string, string, RegExp]> = [
    ['a directory row routed to a path on the default beach', 'drum', /^# anya is NEW at drum — GENESIS comes before play\nWorld beach: https:\/\/beach\.example\.com\/w\/drum-hall$/m],
    ['a directory row routed to a host', 'isle', /^World beach: https:\/\/isle\.beach\.example\.com$/m],
    ['a directory row routed to another beach, unreachable', 'far', /^No world at "far" \(resolved to https:\/\/far\.example\.net\)/],
    ['a path world whose index lists a block', 'cellar', /^World beach: https:\/\/beach\.example\.com\/w\/cellar$/m],
    ['the sub-beach convention, on this server', 'thornwood', /^World beach: https:\/\/thornwood\.beach\.example\.com$/m],
    ['a world name in capitals', 'CELLAR', /^World beach: https:\/\/beach\.example\.com\/w\/cellar$/m],
    ['not a world name', '__proto__', /^No world at "__proto__" \(resolved to nothing\)/],
  ];
  it.each(plays)('pscale_play: %s', async (_name, world, expected) => {
    const t = app();
    await t.http.request('POST', B('worlds'), { content: directory });
    await t.http.request('POST', W('cellar', 'pool:cellar'), { content: { _: 'the cellar' } });
    expect(await call(t, 'pscale_play', { world, handle: 'anya' })).toMatch(expected);
  });

  it('pscale_play enters a path world\'s room and reads the handle\'s blocks there', async () => {
    const t = app();
    await call(t, 'pscale_pool_engage', { pool_url: 'https://beach.example.com/w/cellar', pool_name: 'cellar', agent_id: 'keeper', purpose: 'The cellar' });
    await call(t, 'bsp', { agent_id: 'https://beach.example.com/w/cellar', block: 'passport:anya', content: { _: 'Anya in the cellar' } });
    const text = await call(t, 'pscale_play', { world: 'cellar', handle: 'anya' });
    expect(text).toMatch(/^# You are now playing anya in cellar\nWorld beach: https:\/\/beach\.example\.com\/w\/cellar {2}· {2}handle kind: character/);
    expect(text).toContain('Anya in the cellar');
    expect((await t.http.get(B('passport:anya'))).status).toBe(404);
  });
});

describe('a pscale client reaches /w/<world>/.well-known/pscale-beach over HTTP', () => {
  it('server A\'s bsp writes, locks, appends and reads in a path world of server B', async () => {
    const a: ServedApp = await serveInProcess();
    const b: ServedApp = await serveInProcess();
    cleanups.push(() => a.close(), () => b.close());
    for (const s of [a, b]) s.app.listeningOn(Number(new URL(s.url).port));
    const call = async (name: string, args: Record<string, unknown>) => (await a.app.beachTools.find((x) => x.name === name)!.handler(args)).content[0]!.text;
    const world = `${b.url}/w/x`;
    expect(await call('bsp', { agent_id: world, block: 'notes', content: { _: 'far notes', 1: 'one' }, new_lock: 'kelp' })).toMatch(/^\[wrote block/);
    expect(await call('bsp', { agent_id: world, block: 'notes', spindle: '2', content: 'two' })).toMatch(/lock/);
    expect(await call('bsp', { agent_id: world, block: 'notes', spindle: '2', content: 'two', secret: 'kelp' })).toMatch(/^\[wrote point/);
    expect(await call('bsp', { agent_id: world, block: 'marks', append: true, content: { _: 'was here', 1: 'a' } })).toMatch(/slot 1/);
    expect(await call('bsp', { agent_id: world, block: 'notes', pscale_attention: 0 })).toContain('two');
    const direct = await fetch(`${b.url}/w/x/.well-known/pscale-beach?block=notes`);
    expect(await direct.json()).toEqual({ _: 'far notes', 1: 'one', 2: 'two' });
    const index = await (await fetch(`${b.url}/w/x/.well-known/pscale-beach`)).json();
    // B has no public URL: its origin is localhost:<port>, whatever address A used.
    expect(index).toMatchObject({ origin: `localhost:${new URL(b.url).port}/w/x`, blocks: ['marks', 'notes'] });
    expect((await fetch(`${b.url}/.well-known/pscale-beach?block=notes`)).status).toBe(404);
    expect(a.app.beach.originOf({ kind: 'base' })).not.toBe(b.app.beach.originOf({ kind: 'base' }));
  });
});

describe('the block quota per world', () => {
  const create = (t: BeachApp, path: string) => t.http.request('POST', path, { content: { _: 'x' } });

  it('a world holds at most --beach-max-blocks blocks; other worlds, writes to existing blocks and deletes go on', async () => {
    const t = app(['--beach-max-blocks', '3']);
    for (const name of ['a1', 'a2', 'a3']) expect((await create(t, W('a', name))).status).toBe(200);
    const full = await create(t, W('a', 'a4'));
    expect(full.status).toBe(507);
    expect(full.body).toMatchObject({ code: 'too_many_blocks', limit: 3, error: expect.stringMatching(/at most|most this beach keeps/) });
    expect((await t.http.request('POST', W('a', 'log'), { append: true, content: 'an append creates a block too' })).status).toBe(507);
    expect((await t.http.request('POST', W('a', 'sed:crew'), { action: 'register', declaration: 'd', passphrase: 'p' })).status).toBe(507);
    expect((await t.http.request('POST', W('a', 'a1'), { spindle: '1', content: 'still writable' })).status).toBe(200);
    expect((await create(t, W('b', 'b1'))).status).toBe(200);
    expect((await create(t, B('base1'))).status).toBe(200);
    expect((await t.http.request('DELETE', W('a', 'a2'), { confirm: true })).status).toBe(200);
    expect((await create(t, W('a', 'a4'))).status).toBe(200);
    expect((await create(t, W('a', 'a5'))).status).toBe(507);
    expect((await t.http.get(W('a'))).body.blocks).toEqual(['a1', 'a3', 'a4']);
  });

  it.each(['memory', 'SQLite'])('racing (%s): 20 concurrent creations and appends in a world of 5 → exactly 5 blocks; deletes free places', async (kind) => {
    const args = ['--beach-max-blocks', '5', '--beach-writes-per-minute', '0'];
    const t = kind === 'memory' ? app(args) : sqliteApp(args);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? create(t, W('race', `b${i}`)) : t.http.request('POST', W('race', `log${i}`), { append: true, content: 'x' }))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 507)).toHaveLength(15);
    const blocks: string[] = (await t.http.get(W('race'))).body.blocks;
    expect(blocks).toHaveLength(5);
    const again = await Promise.all([...blocks.slice(0, 2).map((b) => t.http.request('DELETE', W('race', b), { confirm: true })), ...Array.from({ length: 6 }, (_, i) => create(t, W('race', `c${i}`)))]);
    expect(again.filter((a) => a.status === 200).length).toBeLessThanOrEqual(4);
    expect((await t.http.get(W('race'))).body.blocks.length).toBeLessThanOrEqual(5);
    for (let i = 0; i < 6; i++) await create(t, W('race', `d${i}`));
    expect((await t.http.get(W('race'))).body.blocks).toHaveLength(5);
  });

  it('blocks stored before the count existed are counted once, when a world first grows', async () => {
    const t = app(['--beach-max-blocks', '2']);
    await t.store.transact(['old'], () => ({ result: null, writes: new Map([['old', { block: { _: 'old' }, locks: {} }]]) }));
    expect((await create(t, B('new'))).status).toBe(200);
    expect((await create(t, B('newer'))).status).toBe(507);
  });
});
