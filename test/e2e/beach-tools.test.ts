// The beach tools (bsp-beach §7, §11.3 W11, §11.5 L20, §11.6 A18–A21, §11.8 G8–G12, §11.9 C9–C13 and
// K1–K5, §11.10, §11.11 X1–X8 as the client's requests) over our own beach and a "remote" one.
import { describe, expect, it } from 'vitest';
import { canonicaliseOrigin, endpoint, translateAddress } from '../../src/server/beach/federation/origin.js';
import { pairId, sideOf } from '../../src/server/beach/tools/substrate.js';
import { deterministicLuck, digitPathSlots, collectContributions, extractSynthesisHint, windowOpenTs, DEFAULT_HINT } from '../../src/server/beach/tools/pool.js';
import { floorPlane, indexByPscale } from '../../src/server/beach/tools/floor.js';
import { SENTINEL_BLOCKS } from '../../src/server/beach/sentinel/index.js';
import { validateShape, floorDepth } from '../../src/beach/index.js';
import { harness, LOCAL, REMOTE } from '../support/beach-tools.js';
import { createHash } from 'node:crypto';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

describe('§11.10 T1/T2 dispatch and origins', () => {
  it.each([
    ['weft', 'shell', 'shell:weft'],
    ['weft', 'passport', 'passport:weft'],
    ['fenn', 'witnessed:fenn', 'witnessed:fenn'],
    ['sed:c', 'x', 'sed:c'],
    ['grain:p', 'grain', 'grain:p'],
  ])('translateAddress(%s, %s) → %s at the default beach', (agent, block, expected) => {
    expect(translateAddress(agent, block, LOCAL)).toEqual({ kind: 'beach', url: LOCAL, block: expected, defaulted: true });
  });

  it.each([
    ['HTTPS://Happyseaurchin.COM/', 'https://happyseaurchin.com'],
    ['https://example.com:443', 'https://example.com'],
    ['http://example.com:8080', 'http://example.com:8080'],
    ['https://Beach.Example.com/w/Drum/', 'https://beach.example.com/w/drum'],
    ['https://beach.example.com/w/drum?x=1#f', 'https://beach.example.com/w/drum'],
    ['https://beach.example.com/some/path', 'https://beach.example.com'],
    ['https://beach.example.com/w/-bad-', 'https://beach.example.com'],
    ['https://beach.example.com/w/a/b', 'https://beach.example.com'],
  ])('canonicaliseOrigin(%s) → %s', (input, expected) => {
    expect(canonicaliseOrigin(input)).toBe(expected);
  });

  it('X6: endpoints carry block, spindle and pscale in the query', () => {
    expect(endpoint('https://x.y/', { block: 'pool:egg-one' })).toMatch(/\/\.well-known\/pscale-beach\?block=pool%3Aegg-one$/);
    const shaped = endpoint('https://x.y', { block: 'a', spindle: '1.2', pscale: -1 });
    expect(shaped).toContain('spindle=1.2');
    expect(shaped).toContain('pscale=-1');
  });
});

describe('§11.10 T3–T8 bsp reads, writes and the sentinel', () => {
  it('T4/T5: the sentinel index lists the teaching blocks; writes there are refused', async () => {
    const h = harness();
    const index = await h.call('bsp', { agent_id: 'pscale' });
    expect(index).toMatch(/^\[sentinel index @ "pscale"\]/);
    for (const name of ['manifest', 'whetstone', 'sunstone', 'agent-id', 'evolution', 'progression', 'block-conventions', 'gatekeeper', 'payway']) expect(index).toContain(`• ${name}`);
    expect(await h.call('bsp', { agent_id: 'pscale', block: 'whetstone', spindle: '1', content: 'x' })).toBe('"pscale" is a read-only sentinel. The bundled teaching blocks are server-fixed.');
    expect(await h.call('bsp', { agent_id: 'pscale', block: 'whetstone', new_lock: 'k' })).toMatch(/read-only sentinel/);
    expect(await h.call('bsp', { agent_id: 'pscale', block: 'nope' })).toBe('Block "pscale/nope" not found.');
    expect(await h.call('bsp', { agent_id: 'pscale', block: '__proto__' })).toBe('Block "pscale/__proto__" not found.');
  });

  it('T3/T6: a remote beach index, and a miss', async () => {
    const h = harness();
    await h.remote.post('notes', { content: { _: 'remote notes' } });
    expect(await h.call('bsp', { agent_id: REMOTE })).toMatch(/^\[beach index @ https:\/\/remote\.test\]\n[^]*• notes \(\d+b\)/);
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'nope' })).toMatch(/^Block "nope" not found at federated host https:\/\/remote\.test/);
  });

  it('§7.1 worked session: create locked, inherited lock, surgical writes, normalisation, disc and descent reads', async () => {
    const h = harness();
    const B = REMOTE;
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', content: { _: 'my note', 1: 'first' }, new_lock: 'k' })).toMatch(/^\[wrote block @ ""\]\nLock SET at the underscore of note:x, governing the whole block/);
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '2', content: 'second' })).toBe(
      'Write rejected: Beach save rejected: position "2" of "note:x" inherits the lock at its root, secret required',
    );
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '2', content: 'second', secret: 'k' })).toBe('[wrote point @ "2"]');
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '3', content: { _: 'third', 1: 'three-one' }, secret: 'k' })).toBe('[wrote path-walk+descent @ "3"]');
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '4', content: '{"_":"x"}', secret: 'k' })).toBe('[wrote path-walk+descent @ "4"]'); // W11
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', pscale_attention: 0 })).toBe(
      '[disc @ pscale 0 (depth 1)]\n  [0]: my note\n  [1]: first\n  [2]: second\n  [3]: third\n  [4]: x',
    );
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '3', pscale_attention: -1 })).toBe(
      '[path-walk+descent @ "3" pscale -1]\n  path-walk:\n    d1 p0 [3]: third\n  descent:\n    d2 p-1 [3.1]: three-one',
    );
    expect(await h.call('bsp', { agent_id: B, block: 'note:x', spindle: '1.2.3' })).toMatch(/^Read rejected: .*multiple decimal points/);
    expect(await h.call('bsp', { agent_id: B, block: 'note:new', new_lock: 'k2' })).toMatch(/^\[lock @ "https:\/\/remote\.test\/note:new"\]\nLock SET/);
  });

  it('T7: a surgical write sends only the node at the spindle; root and siblings are preserved', async () => {
    const h = harness();
    await h.remote.post('mock', { content: { _: 'mock', 1: { _: 'marks', 1: 'old' } } });
    h.requests.length = 0;
    await h.call('bsp', { agent_id: REMOTE, block: 'mock', spindle: '1.1', content: 'updated mark' });
    const sent = h.requests.find((r) => r.method === 'POST')!;
    expect(sent.body).toEqual({ spindle: '1.1', content: 'updated mark' });
    expect((await h.remote.read('mock', null, null)).body).toEqual({ _: 'mock', 1: { _: 'marks', 1: 'updated mark' } });
  });

  it('T8: spindle "0" voices the root underscore and keeps the digits', async () => {
    const h = harness();
    await h.remote.post('bare', { content: { _: 'old', 1: 'one' } });
    await h.call('bsp', { agent_id: REMOTE, block: 'bare', spindle: '0', content: 'fresh root underscore' });
    expect((await h.remote.read('bare', null, null)).body).toEqual({ _: 'fresh root underscore', 1: 'one' });
  });

  it('L20: new_lock "null" with a secret is refused before anything is sent', async () => {
    const h = harness();
    await h.remote.post('lk', { content: { _: 'locked' }, new_lock: 'k' });
    h.requests.length = 0;
    for (const word of ['null', ' NULL ', 'undefined', 'none', 'Nil']) {
      expect(await h.call('bsp', { agent_id: REMOTE, block: 'lk', new_lock: word, secret: 'k' })).toMatch(/^Write rejected: new_lock was the literal string/);
    }
    expect(h.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('bare handles land on the default beach, which is this server: no HTTP at all', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: 'weft', block: 'shell', content: { _: 'weft shell' } })).toBe('[wrote block @ ""]');
    expect((await h.local.read('shell:weft', null, null)).body).toEqual({ _: 'weft shell' });
    expect(await h.call('bsp', { agent_id: LOCAL, block: 'shell:weft', spindle: '0', pscale_attention: 0 })).toMatch(/weft shell/);
    expect(h.requests).toEqual([]);
  });

  it('an unreachable URL reads as "No beach", writes as "cannot write"', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: 'https://nowhere.test', block: 'a' })).toMatch(/^No beach at https:\/\/nowhere\.test\/\.well-known\/pscale-beach \(also tried the beach\.nowhere\.test subdomain/);
    expect(await h.call('bsp', { agent_id: 'https://nowhere.test', block: 'a', content: { _: 'x' } })).toBe(
      'No beach at https://nowhere.test (also tried beach.nowhere.test). Site is not federated; cannot write.',
    );
    // probed: the bare host, then beach.<host>
    expect(h.requests.map((r) => new URL(r.url).host)).toEqual(expect.arrayContaining(['nowhere.test', 'beach.nowhere.test']));
  });
});

describe('origin resolution and the default beach', () => {
  it('§6.4: a host that is not a beach falls back to beach.<host>, and the answer is cached', async () => {
    const h = harness();
    const routed = harness({
      fetch: async (url, init) => {
        const u = new URL(url);
        if (u.host !== 'beach.fallback.test') throw new Error('ENOTFOUND');
        const reply = init.method === 'GET' ? (u.searchParams.get('block') ? await h.remote.read(u.searchParams.get('block')!, null, null) : await h.remote.index()) : await h.remote.post(u.searchParams.get('block')!, JSON.parse(init.body!));
        return { status: reply.status, text: JSON.stringify(reply.body) };
      },
    });
    expect(await routed.call('bsp', { agent_id: 'https://fallback.test', block: 'a', content: { _: 'via fallback' } })).toBe('[wrote block @ ""]');
    expect((await h.remote.read('a', null, null)).body).toEqual({ _: 'via fallback' });
    expect(await routed.call('bsp', { agent_id: 'https://fallback.test', block: 'a', spindle: '0', pscale_attention: 0 })).toContain('via fallback');
    expect(await routed.deps.beaches.resolve('https://FALLBACK.test/')).toBe('https://beach.fallback.test');
  });

  it('DEFAULT_BEACH elsewhere: bare handles, sed: and grain: go there over HTTP', async () => {
    const h = harness({ defaultBeach: REMOTE });
    await h.call('bsp', { agent_id: 'weft', block: 'shell', content: { _: 'remote shell' } });
    expect((await h.remote.read('shell:weft', null, null)).body).toEqual({ _: 'remote shell' });
    expect((await h.local.read('shell:weft', null, null)).status).toBe(404);
    expect(h.requests.some((r) => r.method === 'POST' && r.url.includes('block=shell%3Aweft'))).toBe(true);
  });

  it('a lock-only call at the root sends only the lock (never a stale copy of the block)', async () => {
    const h = harness();
    await h.remote.post('acc', { content: { _: 'accumulator' } });
    h.requests.length = 0;
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'acc', new_lock: 'k' })).toMatch(/^\[lock @ "https:\/\/remote\.test\/acc"\]/);
    expect(h.requests.find((r) => r.method === 'POST')!.body).toEqual({ new_lock: 'k' });
  });
});

describe('§11.6 A18–A21 append through the tool', () => {
  it('A18/A19: the ack names the slot; no content is refused', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'marks', append: true, content: { _: 'weft was here', 1: 'weft', 2: '', 3: '2026-05-16T10:30:00Z' } })).toBe(
      '[append @ "https://remote.test/marks" → slot 1]',
    );
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'marks', append: true })).toBe('Append rejected: append needs `content` (the entry to append).');
    const sent = h.requests.filter((r) => r.method === 'POST');
    expect(sent[0]!.body).toEqual({ append: true, content: { _: 'weft was here', 1: 'weft', 2: '', 3: '2026-05-16T10:30:00Z' } }); // X3: no spindle key
  });

  it('the tenth root append supernests and says so', async () => {
    const h = harness();
    for (let i = 1; i <= 9; i++) await h.call('bsp', { agent_id: 'weft', block: 'history', append: true, content: `e${i}` });
    expect(await h.call('bsp', { agent_id: 'weft', block: 'history', append: true, content: 'e10' })).toBe('[append @ "https://beach.local.test/history:weft" → slot 11]\n  ⤴ supernested → floor 2');
  });

  it('A20: a grain append without a side spindle is refused', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: 'grain:abc', append: true, content: 'hi', secret: 's', enc_secret: 'e' })).toMatch(/^Append rejected: a grain append must name your side/);
  });

  it('A21: a gray self append lands sealed and reads back with the enc secret only', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'diary', append: true, content: 'dear diary', gray: true, enc_secret: 'e1' })).toBe('[append @ "https://remote.test/diary" → slot 1]');
    const stored = (await h.remote.read('diary', null, null)).body as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain('dear diary');
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'diary', spindle: '1', enc_secret: 'e1' })).toContain('dear diary');
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'diary', spindle: '1', enc_secret: 'wrong' })).toContain('[encrypted]');
    // enc_secret never reaches the beach
    expect(JSON.stringify(h.requests)).not.toContain('"e1"');
    expect(JSON.stringify(h.requests)).not.toContain('enc_secret');
  });
});

describe('§11.9 gray and keys through the tools', () => {
  async function passport(h: ReturnType<typeof harness>, handle: string, enc: string) {
    await h.call('bsp', { agent_id: handle, block: 'passport', content: { _: `I am ${handle}` }, new_lock: `${handle}-lock` });
    return h.call('pscale_key_publish', { handle, secret: `${handle}-lock`, enc_secret: enc });
  }

  it('K1–K5: no passport, publish, verify, rotation without and with proof', async () => {
    const h = harness();
    expect(await h.call('pscale_key_publish', { handle: 'weft', secret: 's' })).toBe(
      `No passport at (agent_id="${LOCAL}", block="passport:weft"). Create one first via bsp() with that block name.`,
    );
    expect(await passport(h, 'weft', 'old-enc')).toMatch(/^Keys published at passport position 9\.\n\nhandle: {4}weft\nbeach: {5}https:\/\/beach\.local\.test\nblock: {5}passport:weft\nx25519: {4}\S+\ned25519: {3}\S+/);
    expect(await h.call('pscale_key_publish', { handle: 'weft', secret: 'weft-lock', enc_secret: 'old-enc' })).toMatch(/^Keys verified\. Your secret derives the same keypair/);
    expect(await h.call('pscale_key_publish', { handle: 'weft', secret: 'weft-lock', enc_secret: 'new-enc' })).toMatch(/^Rotation rejected: Key rotation requires prior_secret OR signature/);
    expect(await h.call('pscale_key_publish', { handle: 'weft', secret: 'weft-lock', enc_secret: 'new-enc', prior_secret: 'wrong' })).toBe(
      'Rotation rejected: prior_secret does not derive the currently published Ed25519 key.',
    );
    expect(await h.call('pscale_key_publish', { handle: 'weft', secret: 'weft-lock', enc_secret: 'new-enc', prior_secret: 'old-enc' })).toMatch(/^Keys rotated at passport position 9\./);
    const nine = ((await h.local.read('passport:weft', '9', null)).body ?? {}) as Record<string, unknown>;
    expect(Object.keys(nine).sort()).toEqual(['1', '2', '_']);
    expect(JSON.stringify(h.requests)).toBe('[]'); // all local
  });

  it('C9–C11: group refusals (unpublished member, empty list, no key), position 9, gray without spindle', async () => {
    const h = harness();
    await passport(h, 'alice', 'a-enc');
    await h.call('bsp', { agent_id: REMOTE, block: 'team', content: { _: 'team' } });
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice', 'zed'], enc_secret: 'a-enc' })).toBe(
      'Write rejected: member "zed" has not published keys — they run pscale_key_publish first.',
    );
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', members: [], enc_secret: 'a-enc' })).toMatch(/^Write rejected: members must list the handles allowed to read/);
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice'] })).toBe('Write rejected: group operations need enc_secret (the key that unwraps the shared group key).');
    await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice'], enc_secret: 'a-enc' });
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '9', content: 'x', enc_secret: 'a-enc' })).toBe(
      'Write rejected: position 9 is the keyring — write group content at positions 1-8.',
    );
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'other', content: 'x', gray: true, enc_secret: 'e' })).toMatch(/^Write rejected: gray encryption requires a non-empty spindle/);
  });

  it('group round trip through bsp: members read, removal rotates, the removed member reads nothing', async () => {
    const h = harness();
    for (const who of ['alice', 'bob', 'carol']) await passport(h, who, `${who}-enc`);
    await h.call('bsp', { agent_id: REMOTE, block: 'team', content: { _: 'team notes' } });
    await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice', 'bob', 'carol'], enc_secret: 'alice-enc' });
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '1', content: 'plan A', enc_secret: 'bob-enc' })).toBe('[wrote point @ "1"]');
    expect(JSON.stringify((await h.remote.read('team', null, null)).body)).not.toContain('plan A');
    for (const who of ['alice', 'bob', 'carol']) expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '1', enc_secret: `${who}-enc` })).toContain('plan A');
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '1', enc_secret: 'eve-enc' })).toContain('[encrypted]');
    const before = ((await h.remote.read('team', '1', null)).body as Record<string, unknown>)['1'];
    await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice', 'bob'], enc_secret: 'alice-enc' });
    const after = ((await h.remote.read('team', '1', null)).body as Record<string, unknown>)['1'];
    expect(after).not.toBe(before); // re-sealed under the new key
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '1', enc_secret: 'carol-enc' })).toContain('[encrypted]');
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', spindle: '1', enc_secret: 'bob-enc' })).toContain('plan A');
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'team', members: ['alice', 'carol'], enc_secret: 'carol-enc' })).toBe(
      'Write rejected: cannot unwrap the group key — you are not a member, or the enc_secret is wrong.',
    );
  });

  it('C12: a write that descends into a gray envelope is refused; writing at it is allowed', async () => {
    const h = harness();
    await h.call('bsp', { agent_id: REMOTE, block: 'g', content: { _: 'g' } });
    await h.call('bsp', { agent_id: REMOTE, block: 'g', spindle: '1', content: 'sealed', gray: true, enc_secret: 'e' });
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'g', spindle: '1.1', content: 'x' })).toMatch(/^Write rejected: "1\.1" descends into the gray envelope at 1 /);
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'g', spindle: '1', content: 'plain again', gray: false })).toBe('[wrote point @ "1"]');
  });

  it('grain: gray by default, both parties read, an outsider cannot', async () => {
    const h = harness();
    await passport(h, 'alice', 'a-enc');
    await passport(h, 'bob', 'b-enc');
    await h.call('pscale_grain_reach', { handle: 'alice', partner_handle: 'bob', description: 'our channel', my_side_content: 'hi bob', my_passphrase: 'ap' });
    await h.call('pscale_grain_reach', { handle: 'bob', partner_handle: 'alice', description: '', my_side_content: 'hi alice', my_passphrase: 'bp' });
    const grain = `grain:${pairId('alice', 'bob')}`;
    expect(await h.call('bsp', { agent_id: grain, spindle: '1.1', content: 'private to bob', secret: 'ap', enc_secret: 'a-enc' })).toBe('[wrote point @ "1.1"]');
    expect(JSON.stringify((await h.local.read(grain, null, null)).body)).not.toContain('private to bob');
    expect(await h.call('bsp', { agent_id: grain, spindle: '1.1', enc_secret: 'b-enc' })).toContain('private to bob');
    expect(await h.call('bsp', { agent_id: grain, spindle: '1.1', enc_secret: 'a-enc' })).toContain('private to bob');
    expect(await h.call('bsp', { agent_id: grain, spindle: '1.1', enc_secret: 'eve' })).toContain('[encrypted]');
    expect(await h.call('bsp', { agent_id: grain, spindle: '1.2', content: 'x', enc_secret: 'a-enc' })).toMatch(/^Write rejected: a grain write needs `secret`/);
  });
});

describe('§11.8 G8–G12 grain reach through the tool', () => {
  it('G8: pair ids and sides', () => {
    expect(pairId('egg-one', 'egg-three')).toBe('085d6efa34a97d66');
    expect(pairId('egg-three', 'egg-one')).toBe('085d6efa34a97d66');
    expect(pairId('alice', 'bob')).toBe('cb3a563919939643');
    expect(pairId('weft', 'warp')).toBe('714d05ca4c3dfb6a');
    expect(pairId('Ayush', 'happyhedgehog')).toBe('5cff7ee4cd9ed664');
    expect(pairId('ayush', 'happyhedgehog')).toBe('5051cc6cc08b6e79');
    expect([sideOf('egg-one', 'egg-three'), sideOf('egg-three', 'egg-one')]).toEqual(['1', '2']);
  });

  it('G9/G10/G12: the reach body, self-grain refusal, verify_only writes nothing, then reach and accept', async () => {
    const h = harness();
    expect(await h.call('pscale_grain_reach', { handle: 'a', partner_handle: 'a', description: 'd', my_side_content: 'c', my_passphrase: 'p' })).toBe('Cannot form a grain with yourself.');
    expect(await h.call('pscale_grain_reach', { handle: 'a', partner_handle: 'b', description: 'd', my_side_content: 'c', my_passphrase: 'p', agent_id: 'weft' })).toMatch(/^agent_id must be an http\(s\):\/\/ URL \(got "weft"\)/);
    const args = { handle: 'alice', partner_handle: 'bob', description: 'our channel', my_side_content: 'hello', my_passphrase: 'ap', agent_id: REMOTE };
    expect(await h.call('pscale_grain_reach', { ...args, verify_only: true })).toMatch(/^\[verify_only\] Would establish a new grain at the federated host\.[^]*state: {10}new/);
    expect(h.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(await h.call('pscale_grain_reach', args)).toMatch(/^Grain reached \(awaiting partner acceptance/);
    const post = h.requests.find((r) => r.method === 'POST')!;
    expect(post.url).toContain(`block=grain%3A${pairId('alice', 'bob')}`);
    expect(post.body).toEqual({ action: 'reach', side: '1', agent_id: 'alice', partner_agent_id: 'bob', description: 'our channel', my_side_content: 'hello', my_passphrase: 'ap' });
    expect(await h.call('pscale_grain_reach', { ...args, handle: 'bob', partner_handle: 'alice', my_passphrase: 'bp' })).toMatch(/^Grain completed/);
    expect(await h.call('pscale_grain_reach', { ...args, my_passphrase: 'wrong' })).toMatch(/^Federated grain reach rejected: side 1 is locked/);
  });

  it('G11: the casing guard refuses a handle spelled unlike the one present', async () => {
    const h = harness();
    await h.call('bsp', { agent_id: LOCAL, block: 'passport:Ayush', content: { _: 'Ayush' } });
    await h.call('bsp', { agent_id: LOCAL, block: 'sed:tester', content: { _: 'not a handle' } });
    const base = { handle: 'happyhedgehog', description: 'd', my_side_content: 'c', my_passphrase: 'p' };
    expect(await h.call('pscale_grain_reach', { ...base, partner_handle: 'ayush' })).toMatch(/^Reach refused — partner_handle="ayush" has no presence at .*, but "Ayush" does/);
    expect(await h.call('pscale_grain_reach', { ...base, partner_handle: 'Ayush' })).toMatch(/^Grain reached/);
    expect(await h.call('pscale_grain_reach', { ...base, partner_handle: 'tester' })).toMatch(/^Grain reached/);
    expect(await h.call('pscale_grain_reach', { ...base, partner_handle: 'stranger' })).toMatch(/^Grain reached/);
  });
});

describe('§11.8/X8 pscale_register and pscale_settle', () => {
  it('assigns 11 then 12, locks the position, and answers to both names', async () => {
    const h = harness();
    expect(await h.call('pscale_register', { collective: 'crew', declaration: 'I am one', passphrase: 'p1', agent_id: REMOTE })).toMatch(/^Registered at sed:crew:11 on https:\/\/remote\.test\./);
    expect(await h.call('pscale_settle', { collective: 'crew', declaration: 'I am two', passphrase: 'p2', shell_ref: 'https://x.y', agent_id: REMOTE })).toMatch(/^Settled at sed:crew:12 /);
    const posts = h.requests.filter((r) => r.method === 'POST');
    expect(posts[1]!.body).toEqual({ action: 'register', declaration: 'I am two', passphrase: 'p2', shell_ref: 'https://x.y' });
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'sed:crew', spindle: '11', content: 'revised' })).toMatch(/^Write rejected: Beach save rejected: .*locked/);
    expect(await h.call('bsp', { agent_id: REMOTE, block: 'sed:crew', spindle: '11', content: 'revised', secret: 'p1' })).toBe('[wrote point @ "11"]');
    expect(await h.call('pscale_register', { collective: 'crew', declaration: 'x', passphrase: 'p', agent_id: 'https://nowhere.test' })).toMatch(/^Federated registration failed: No beach at/);
  });
});

describe('§11.10 F1–F3 bsp-floor', () => {
  const A = { _: 'A floor identity', 1: 'A one', 2: { _: 'A two', 1: 'A two-one' } };
  const B = { _: { _: 'B floor identity', 1: 'B above-rung child' }, 1: 'B top (coarser)' };
  it('F1: alignment by pscale; B’s rung child is not indexed', () => {
    expect(indexByPscale(A).map((n) => [n.pscale, n.address, n.text])).toEqual([
      [0, '0', 'A floor identity'],
      [0, '1', 'A one'],
      [0, '2', 'A two'],
      [-1, '2.1', 'A two-one'],
    ]);
    expect(indexByPscale(B).map((n) => [n.pscale, n.text])).toEqual([
      [1, 'B top (coarser)'],
      [0, 'B floor identity'],
    ]);
  });
  it('F2: floorPlane gives each block its floor identity at pscale 0', () => {
    const C = { _: 'C identity' };
    expect(floorPlane([A, B, C], 0).map((list) => list[0]!.text)).toEqual(['A floor identity', 'B floor identity', 'C identity']);
  });
  it('F3: through the tool, one missing target of three is skipped and noted', async () => {
    const h = harness();
    await h.remote.post('a', { content: A });
    await h.remote.post('b', { content: B });
    const text = await h.call('bsp-floor', { targets: [{ agent_id: REMOTE, block: 'a' }, { agent_id: REMOTE, block: 'b' }, { agent_id: REMOTE, block: 'gone' }] });
    expect(text).toMatch(/^\[floor-align of 2 blocks\]/);
    expect(text.indexOf('pscale +1')).toBeLessThan(text.indexOf('pscale 0 (floor plane)'));
    expect(text.indexOf('pscale 0 (floor plane)')).toBeLessThan(text.indexOf('pscale -1'));
    expect(text).toContain(`${REMOTE}/a: (none — zero-padded)`);
    expect(text).toMatch(/\(skipped 1 not-found target\(s\):\n {2}- https:\/\/remote\.test\/gone/);
    expect(await h.call('bsp-floor', { targets: [{ agent_id: REMOTE, block: 'a' }, { agent_id: REMOTE, block: 'gone' }] })).toMatch(/^bsp-floor needs at least two loadable blocks to lay against the floor; 1 loaded/);
  });
});

describe('§11.10 V1–V5 pscale_verify_rider', () => {
  const hop0 = sha('probe-1');
  const hop1 = sha(`probe-1${hop0}`);
  const chain = JSON.stringify([
    { agent: 'a', sig: hop0 },
    { agent: 'b', sig: hop1 },
  ]);
  async function withPassport() {
    const h = harness();
    await h.call('bsp', {
      agent_id: 'weft',
      block: 'passport',
      content: { _: 'weft', 6: { _: 'credits', 1: '10', 2: { 3: { 4: { 1: { 1: { 1: 'pass', 2: 2, 3: 4, 6: 'warp' }, 2: { 1: 'pass', 2: 1, 3: 4, 6: 'loom' } } } } } } },
    });
    return h;
  }
  const verdict = (t: string) => JSON.parse(t) as Record<string, Record<string, unknown> | string>;
  it('chain vectors', () => {
    expect(hop0).toBe('52aaae2ec0378ec1adf9e9cd95d7dd003fb49cb9a97cc77cfeb99ef45d0b60df');
    expect(hop1).toBe('e20841382f6569fea0bc00d18e18386f003ccce58b6c34553439e3e0600c4c0e');
  });
  it('V1: no rider → skip', async () => {
    const h = harness();
    expect(verdict(await h.call('pscale_verify_rider', { sender_agent_id: 'weft' }))).toEqual({ chain: { checked: false }, credits: { checked: false }, sq: { checked: false }, verdict: 'skip', reason: 'no rider' });
  });
  it.each([
    [{ credits: { n: 5 }, sq: 0.75 }, chain, 'pass', null],
    [{ credits: { n: 50 }, sq: 0.75 }, chain, 'fail', ['credits', 'overdraw: 50 > 10']],
    [{ credits: { n: 5 }, sq: 0.2 }, chain, 'warn', ['sq', 'SQ divergence: claimed 0.2, computed 0.75']],
    [{ credits: { n: 5 }, sq: 0.75 }, JSON.stringify([{ agent: 'a', sig: hop0 }, { agent: 'b', sig: 'bad' }]), 'fail', ['chain', 'sig mismatch at hop 1 (b)']],
  ] as const)('V2–V5 %#', async (rider, chainText, expected, reason) => {
    const h = await withPassport();
    const v = verdict(await h.call('pscale_verify_rider', { sender_agent_id: 'weft', rider: JSON.stringify(rider), probe_id: 'probe-1', chain: chainText, topic_coordinate: '0.341' }));
    expect(v['verdict']).toBe(expected);
    if (expected === 'pass') {
      expect(v['chain']).toEqual({ checked: true, valid: true });
      expect(v['credits']).toMatchObject({ claimed: 5, balance: 10, valid: true });
      expect(v['sq']).toMatchObject({ computed: 0.75, matches: true });
    }
    if (reason) expect((v[reason[0]] as Record<string, unknown>)['reason']).toBe(reason[1]);
  });
});

describe('§11.10 I1–I3 pscale_invite and the progression', () => {
  it('I1/I2/I3', async () => {
    const h = harness();
    expect(await h.call('pscale_invite', { step: 3 })).toMatch(/^Step 3 of 6\. When validated, call pscale_invite\(step=4\) for the next step\.\n\n\[path-walk @ "3"\]/);
    expect(await h.call('pscale_invite', { step: 6 })).toMatch(/call pscale_invite\(step=1\) for the progression cycle/);
    expect(await h.call('pscale_invite', {})).toMatch(/^Iterative orientation progression — six steps\.[^]*— Step 1 \(start here\) —\n\[path-walk @ "1"\]/);
    expect((await h.result('pscale_invite', { step: 7 })).isError).toBe(true);
  });
});

describe('§10 teaching blocks', () => {
  it.each(Object.keys(SENTINEL_BLOCKS))('%s is a valid floor-1 pscale block and cannot be changed', (name) => {
    const block = SENTINEL_BLOCKS[name]!;
    expect(() => validateShape(block)).not.toThrow();
    expect(floorDepth(block)).toBe(1);
    expect(Object.isFrozen(block)).toBe(true);
    expect(JSON.stringify(block)).not.toMatch(/happyseaurchin|vercel|upstash/i);
  });
  it('progression holds six steps, each with action, check, pointer and note', () => {
    const p = SENTINEL_BLOCKS['progression']!;
    for (const step of ['1', '2', '3', '4', '5', '6']) expect(Object.keys(p[step] as object).sort()).toEqual(['1', '2', '3', '4', '_']);
  });
  it('R24-style: sunstone 7* opens the reflexive seed', async () => {
    const h = harness();
    expect(await h.call('bsp', { agent_id: 'pscale', block: 'sunstone', spindle: '7*' })).toMatch(/^\[star @ "7\*"\]\n {2}semantic: As reflexive/);
  });
});

describe('§11.10 E1–E14 pscale_pool_engage', () => {
  it('E1/E2/E3/E4/E5/E7: missing pool, create, commit, submit, commit withdraws the stage', async () => {
    const h = harness();
    const base = { pool_url: REMOTE, pool_name: 'visiting' };
    expect(await h.call('pscale_pool_engage', { ...base, agent_id: 'weft' })).toMatch(/^No pool at \(agent_id="https:\/\/remote\.test", block="pool:visiting"\)\. Pass purpose=/);
    const created = await h.call('pscale_pool_engage', { ...base, agent_id: 'weft', purpose: 'A place to visit' });
    expect(created).toContain('created: pool authored with purpose at _');
    expect(created).toContain('# Purpose\nA place to visit');
    expect(created).toContain('(count: 0)');
    expect(created).toContain('previous: 0\nnew:      0');
    const committed = await h.call('pscale_pool_engage', { ...base, agent_id: 'weft', contribution: 'hello from weft', face: 'character' });
    expect(committed).toContain('committed: slot 1 → the pool');
    expect(committed).toMatch(/## slot 1 — weft \[character\] 2026-06-01T12:00:00\.000Z\nhello from weft/);
    const submitted = await h.call('pscale_pool_engage', { ...base, agent_id: 'warp', submit: 'thinking of saying hi' });
    expect(submitted).toContain('submitted: liquid slot 1');
    expect(submitted).toMatch(/- warp \(you\) \S+: thinking of saying hi/);
    const liquid = (await h.remote.read('liquid:pool:visiting', null, null)).body as Record<string, unknown>;
    expect(String(liquid['_'])).toMatch(/Window opened 2026-06-01T12:00:00\.000Z\.$/);
    const second = await h.call('pscale_pool_engage', { ...base, agent_id: 'warp', contribution: 'hi all', since_position: 1 });
    expect(second).toContain('committed: slot 2 → the pool');
    expect(second).toContain('(count: 1)');
    const after = (await h.remote.read('liquid:pool:visiting', '1', null)).body as Record<string, unknown>;
    expect(after['_']).toBe('');
    expect(await h.call('pscale_pool_engage', { pool_url: 'weft', pool_name: 'x', agent_id: 'weft' })).toMatch(/^pool_url must be an http\(s\):\/\/ URL/);
  });

  it('E6: ten commits, since 8 returns slots 9 and 11 (the tenth supernested)', async () => {
    const h = harness();
    const base = { pool_url: REMOTE, pool_name: 'ten', agent_id: 'weft' };
    await h.call('pscale_pool_engage', { ...base, purpose: 'ten' });
    for (let i = 1; i <= 10; i++) await h.call('pscale_pool_engage', { ...base, contribution: `c${i}` });
    const text = await h.call('pscale_pool_engage', { ...base, since_position: 8 });
    expect(text).toMatch(/## slot 9 — weft [^\n]*\nc9\n\n## slot 11 — weft [^\n]*\nc10/);
    expect(text).toContain('new:      11');
  });

  it('E8–E13: luck, slots, tombstones, hints, window stamps', () => {
    expect(deterministicLuck('pool:x:window:t:weft')).toEqual(deterministicLuck('pool:x:window:t:weft'));
    expect(digitPathSlots()[9]).toBe('11');
    expect(digitPathSlots()).toHaveLength(819);
    expect(collectContributions({ _: 'p', 1: { _: '' }, 2: { _: 'x', 1: 'w' } }, 0).items.map((c) => c.position)).toEqual(['2']);
    expect(extractSynthesisHint({ _: 'purpose' })).toBe('purpose');
    expect(extractSynthesisHint({})).toBe(DEFAULT_HINT);
    expect(extractSynthesisHint({ _: '  ' })).toBe(DEFAULT_HINT);
    expect(extractSynthesisHint({ _: { _: 'purpose' } })).toBe('purpose');
    expect(windowOpenTs({ _: 'base Window opened 2026-06-10T12:00:00.000Z.' })).toBe('2026-06-10T12:00:00.000Z');
    expect(windowOpenTs({ _: { _: 'base Window opened 2026-06-10T12:00:00.000Z.' } })).toBe('2026-06-10T12:00:00.000Z');
  });
});

describe('pscale_play (seed)', () => {
  it('a fresh handle gets genesis; with a passport and one room it enters the room', async () => {
    const h = harness();
    expect(await h.call('pscale_play', { world: REMOTE, handle: 'anya' })).toMatch(/^# anya is NEW at https:\/\/remote\.test — GENESIS comes before play/);
    await h.call('bsp', { agent_id: REMOTE, block: 'passport:anya', content: { _: 'Anya, a traveller', 3: 'Resting. Location: spatial:thornwood:12' } });
    await h.call('pscale_pool_engage', { pool_url: REMOTE, pool_name: 'drum', agent_id: 'keeper', purpose: 'The Beaten Drum' });
    const text = await h.call('pscale_play', { world: REMOTE, handle: 'anya' });
    expect(text).toMatch(/^# You are now playing anya in https:\/\/remote\.test\nWorld beach: https:\/\/remote\.test {2}· {2}handle kind: character/);
    expect(text).toContain('pool:drum @ https://remote.test');
    expect(text).toContain('── passport:anya ──');
  });
  it('a world name on an unreachable default beach is no world', async () => {
    const h = harness({ defaultBeach: 'https://elsewhere.test' });
    expect(await h.call('pscale_play', { world: 'thornwood', handle: 'anya' })).toMatch(/^No world at "thornwood" \(resolved to https:\/\/thornwood\.beach\.elsewhere\.test\)/);
  });
});

describe('tool input validation', () => {
  it('bad input is an error result, never a throw', async () => {
    const h = harness();
    for (const [name, args] of [
      ['bsp', {}],
      ['bsp', { agent_id: 'x'.repeat(5000) }],
      ['bsp', { agent_id: 'pscale', pscale_attention: 1.5 }],
      ['bsp-floor', { targets: [{ agent_id: 'pscale', block: 'a' }] }],
      ['pscale_register', { collective: 'c' }],
      ['bsp', null],
    ] as const) {
      const r = await h.result(name, args);
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toMatch(new RegExp(`^Invalid input for ${name}`));
    }
  });
  it('tool names and descriptions: ten entries, no third-party host named', () => {
    const h = harness();
    expect(h.tools.map((t) => t.name)).toEqual([
      'bsp',
      'bsp-floor',
      'pscale_grain_reach',
      'pscale_invite',
      'pscale_key_publish',
      'pscale_play',
      'pscale_pool_engage',
      'pscale_register',
      'pscale_settle',
      'pscale_verify_rider',
    ]);
    const all = JSON.stringify(h.tools.map((t) => [t.description, z(t)]));
    expect(all).not.toMatch(/happyseaurchin|glama|vercel/i);
  });
});

const z = (t: { inputSchema: { toJSONSchema?: () => unknown } }) => JSON.stringify(t.inputSchema);
