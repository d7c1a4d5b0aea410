// bsp-beach §5 and §11.9 (C1–C8): key derivation vectors, the three envelope modes, the group
// keyring with removal → rotation, published keys and rotation signatures.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateShape } from '../shape-gate.js';
import {
  boxBeforeNm,
  buildKeyring,
  decryptTree,
  deriveKeypair,
  deriveSeed,
  fromBase64,
  grayMode,
  isGrayEnvelope,
  keyringEntries,
  keyringHandles,
  MAX_GROUP_MEMBERS,
  memoDerive,
  newGroupKey,
  openGrain,
  openGroup,
  openSelf,
  publicKeysOf,
  publishedKeysNode,
  readPublishedKeys,
  rotateGroup,
  sealGrain,
  sealGroup,
  sealSelf,
  signRotation,
  toBase64,
  unwrapGroupKey,
  verifyRotation,
  UNREADABLE,
  type Member,
} from './index.js';

const random = (n: number) => new Uint8Array(randomBytes(n));
const derive = memoDerive();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const shapeOk = (block: unknown) => {
  try {
    validateShape(block);
    return true;
  } catch {
    return false;
  }
};

async function member(handle: string, secret = `${handle}-enc`): Promise<Member> {
  return { handle, x25519: publicKeysOf(await derive(secret, handle)).x25519 };
}

describe('gray codecs and NaCl', () => {
  it('base64 round-trips every length and refuses non-base64', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = random(n);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    }
    expect(fromBase64('not base64!')).toBeNull();
    expect(fromBase64('A')).toBeNull();
  });

  it('crypto_box_beforenm matches the NaCl known answer (alice sk × bob pk)', () => {
    const aliceSk = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const bobPk = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex');
    expect(hex(boxBeforeNm(new Uint8Array(bobPk), new Uint8Array(aliceSk))!)).toBe('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389');
  });
});

describe('§11.9 C1 key derivation (§5.1 vectors)', () => {
  const rows = [
    {
      secret: 'my-secret',
      handle: 'happyseaurchin',
      seed: '2ef675df58f2de21d836faed94753219dc41091a1b613958e10925d1e8e78891a6e44909b0f778df16e8d3b92c1fc56ef59d2e37d31a4a60a6c74c6e6f1bc85e',
      x25519: 'kQMdGzEPhd7vv3Vt30OKvqIzESTnD2npZ3hHG5VCwlg=',
      ed25519: 'AVxo8dlx1dqvYY6oGaiF50Gr+UyoQlR6ZNQsKSMpN0M=',
    },
    { secret: 'pw', handle: 'bob', seed: null, x25519: '5Ygo50aIzqyoWT9cIgFt2BRmqL7GCt7fRRReqFfKbno=', ed25519: 'sjUVlGf4QDQ54DEfzBclmUqQnCpnjD75lW42n3idgJQ=' },
  ];
  it.each(rows)('deriveKeypair($secret, $handle)', async (row) => {
    if (row.seed !== null) expect(hex(await deriveSeed(row.secret, row.handle))).toBe(row.seed);
    expect(publicKeysOf(await derive(row.secret, row.handle))).toEqual({ x25519: row.x25519, ed25519: row.ed25519 });
  });
});

describe('§11.9 C2 self mode', () => {
  it('is a spine-legal envelope that opens only with the same (enc secret, agent_id)', async () => {
    const env = await sealSelf({ _: 'a note', 1: 'x' }, 'e1', 'weft', random, derive);
    expect(shapeOk(env)).toBe(true);
    expect(isGrayEnvelope(env)).toBe(true);
    expect(env['9']).toEqual({ _: 'gray', '1': 'self' });
    expect(fromBase64(env['2'] as string)!.length).toBe(24);
    expect(await openSelf(env, 'e1', 'weft', derive)).toBe(JSON.stringify({ _: 'a note', 1: 'x' }));
    expect(await openSelf(env, 'wrong', 'weft', derive)).toBeNull();
    expect(await openSelf(env, 'e1', 'warp', derive)).toBeNull();
  });

  it('strings are sealed verbatim; two seals of one text differ (fresh nonces)', async () => {
    const a = await sealSelf('dear diary', 'e1', 'weft', random, derive);
    const b = await sealSelf('dear diary', 'e1', 'weft', random, derive);
    expect(a['1']).not.toBe(b['1']);
    expect(await openSelf(a, 'e1', 'weft', derive)).toBe('dear diary');
  });

  it('a tampered ciphertext does not open', async () => {
    const env = await sealSelf('secret text', 'e1', 'weft', random, derive);
    const bytes = fromBase64(env['1'] as string)!;
    bytes[bytes.length - 1]! ^= 1;
    expect(await openSelf({ ...env, '1': toBase64(bytes) }, 'e1', 'weft', derive)).toBeNull();
  });
});

describe('§11.9 C3/C4 grain mode and the two secrets', () => {
  it('alice → bob: both parties open it, eve cannot, bob with eve as counterparty cannot', async () => {
    const alice = await member('alice', 'a-enc');
    const bob = await member('bob', 'b-enc');
    const eve = await member('eve', 'e-enc');
    const env = (await sealGrain('hello bob', 'a-enc', 'alice', bob, random, derive))!;
    expect(shapeOk(env)).toBe(true);
    expect(env['9']).toEqual({ _: 'gray', '1': 'grain', '2': 'bob' });
    const parties = { '1': 'alice', '2': 'bob' };
    const keys = { '1': alice.x25519, '2': bob.x25519 };
    expect(await openGrain(env, 'b-enc', parties, keys, derive)).toBe('hello bob');
    expect(await openGrain(env, 'a-enc', parties, keys, derive)).toBe('hello bob');
    expect(await openGrain(env, 'e-enc', parties, keys, derive)).toBeNull();
    expect(await openGrain(env, 'b-enc', parties, { '1': eve.x25519, '2': bob.x25519 }, derive)).toBeNull();
  });

  it('C4: a lock secret distinct from the enc secret derives other keys and cannot decrypt', async () => {
    const env = await sealSelf('private', 'enc-only', 'weft', random, derive);
    expect(publicKeysOf(await derive('lock-secret', 'weft'))).not.toEqual(publicKeysOf(await derive('enc-only', 'weft')));
    expect(await openSelf(env, 'lock-secret', 'weft', derive)).toBeNull();
  });

  it('a partner key that is not 32 bytes of base64 is refused, not thrown', async () => {
    expect(await sealGrain('x', 'a-enc', 'alice', { handle: 'bob', x25519: 'short' }, random, derive)).toBeNull();
  });
});

describe('§11.9 C5 published keys', () => {
  it('the spine shape is legal, is not an envelope, and round-trips; the legacy shape still parses', async () => {
    const keys = publicKeysOf(await derive('my-secret', 'happyseaurchin'));
    const node = publishedKeysNode(keys);
    expect(shapeOk(node)).toBe(true);
    expect(isGrayEnvelope(node)).toBe(false);
    expect(readPublishedKeys(node)).toEqual(keys);
    expect(readPublishedKeys({ x25519: keys.x25519, ed25519: keys.ed25519 })).toEqual(keys);
    expect(readPublishedKeys({ _: 'x', 1: 'not a key', 2: keys.x25519 })).toBeNull();
    expect(readPublishedKeys('text')).toBeNull();
  });

  it('a rotation signature by the prior key verifies against the published key; others do not', async () => {
    const prior = await derive('old', 'weft');
    const next = publicKeysOf(await derive('new', 'weft'));
    const published = publicKeysOf(prior).ed25519;
    const sig = signRotation(prior, 'weft', next);
    expect(verifyRotation(published, 'weft', next, sig)).toBe(true);
    expect(verifyRotation(published, 'warp', next, sig)).toBe(false);
    expect(verifyRotation(publicKeysOf(await derive('new', 'weft')).ed25519, 'weft', next, sig)).toBe(false);
    expect(verifyRotation(published, 'weft', next, 'garbage')).toBe(false);
  });
});

describe('§11.9 C6–C8 group mode', { timeout: 120_000 }, () => {
  it('C6: three members each unwrap K with only their enc secret; a non-member cannot', async () => {
    const members = await Promise.all(['alice', 'bob', 'carol'].map((h) => member(h)));
    const k = newGroupKey(random);
    const keyring = buildKeyring(k, members, random);
    expect(shapeOk({ _: 'group', 9: keyring })).toBe(true);
    for (const h of ['alice', 'bob', 'carol']) expect(await unwrapGroupKey(keyring, `${h}-enc`, derive)).toEqual(k);
    expect(await unwrapGroupKey(keyring, 'eve-enc', derive)).toBeNull();
    const env = sealGroup('for the three', k, random);
    expect(grayMode(env)).toBe('group');
    expect(openGroup(env, k)).toBe('for the three');
  });

  it('C7: ten members page as 8 + `9: {_: "more"}`; members 8 and 10 unwrap; all ten are listed', async () => {
    const handles = Array.from({ length: 10 }, (_, i) => `m${i + 1}`);
    const members = await Promise.all(handles.map((h) => member(h)));
    const k = newGroupKey(random);
    const keyring = buildKeyring(k, members, random);
    expect(Object.keys(keyring).filter((key) => key >= '1' && key <= '8')).toHaveLength(8);
    expect((keyring['9'] as Record<string, unknown>)['_']).toBe('more');
    expect(keyringHandles(keyring)).toEqual(handles);
    expect(keyringEntries(keyring)).toHaveLength(10);
    expect(await unwrapGroupKey(keyring, 'm8-enc', derive)).toEqual(k);
    expect(await unwrapGroupKey(keyring, 'm10-enc', derive)).toEqual(k);
  });

  it('C8: removing a member rotates K and re-seals every envelope; the removed member reads nothing', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((h) => member(h)));
    const k = newGroupKey(random);
    const block = { _: 'team notes', 1: sealGroup('plan A', k, random), 2: { _: 'nested', 1: sealGroup('plan B', k, random) }, 9: buildKeyring(k, [alice!, bob!, carol!], random) };
    const { block: rotated, groupKey, resealed } = rotateGroup(block, k, [alice!, bob!], random);
    expect(resealed).toBe(2);
    expect(groupKey).not.toEqual(k);
    expect(shapeOk(rotated)).toBe(true);
    expect(keyringHandles(rotated['9'])).toEqual(['alice', 'bob']);
    expect(await unwrapGroupKey(rotated['9'], 'carol-enc', derive)).toBeNull();
    expect(openGroup(rotated['1'], k)).toBeNull(); // carol's old key no longer opens the content
    const bobKey = (await unwrapGroupKey(rotated['9'], 'bob-enc', derive))!;
    expect(openGroup(rotated['1'], bobKey)).toBe('plan A');
    expect(openGroup((rotated['2'] as Record<string, unknown>)['1'], bobKey)).toBe('plan B');
    expect(block['9']).not.toEqual(rotated['9']); // the input is untouched
  });
});

describe('hostile keyrings', () => {
  it('unwrapping derives at most MAX_GROUP_MEMBERS handles, preferred handles first', async () => {
    const members = await Promise.all(['alice', 'bob'].map((h) => member(h)));
    const k = newGroupKey(random);
    const real = buildKeyring(k, members, random);
    const junkEntry = keyringEntries(real)[0]!;
    // 200 junk entries (well-formed, not openable) ahead of bob's real one
    const junk = Array.from({ length: 200 }, (_, i) => ({ ...junkEntry, _: `junk${i}` }));
    const all = [...junk, keyringEntries(real)[1]!];
    const page = (from: number): Record<string, unknown> => {
      const node: Record<string, unknown> = { _: from === 0 ? 'group-keyring' : 'more' };
      all.slice(from, from + 8).forEach((e, i) => (node[String(i + 1)] = e));
      if (from + 8 < all.length) node['9'] = page(from + 8);
      return node;
    };
    const hostile = page(0);
    let runs = 0;
    const counted = async (s: string, h: string) => {
      runs++;
      return h.startsWith('junk') ? derive('junk', 'junk-handle') : derive(s, h);
    };
    expect(await unwrapGroupKey(hostile, 'bob-enc', counted)).toBeNull();
    expect(runs).toBe(MAX_GROUP_MEMBERS);
    runs = 0;
    expect(await unwrapGroupKey(hostile, 'bob-enc', counted, ['bob'])).toEqual(k);
    expect(runs).toBe(1);
  });
});

describe('§5.7 keyed reads (C13)', () => {
  it('every envelope becomes its plaintext, or "[encrypted]" when the key does not open it', async () => {
    const mine = await sealSelf('mine', 'e1', 'weft', random, derive);
    const theirs = await sealSelf('theirs', 'other', 'weft', random, derive);
    const block = { _: 'diary', 1: mine, 2: { _: 'deeper', 1: theirs } };
    const out = await decryptTree(block, { self: (node) => openSelf(node, 'e1', 'weft', derive) });
    expect(out).toEqual({ _: 'diary', 1: 'mine', 2: { _: 'deeper', 1: UNREADABLE } });
    expect(block[1]).toBe(mine);
  });

});

describe('derivation cost', () => {
  it('memoDerive runs Argon2id once per (secret, handle)', async () => {
    let runs = 0;
    const counted = memoDerive(async (s, h) => {
      runs++;
      return deriveKeypair(s, h);
    });
    await Promise.all([counted('x', 'weft'), counted('x', 'weft'), counted('y', 'weft')]);
    expect(runs).toBe(2);
  });
});
