// The three gray modes (bsp-beach §5.4–5.7) and the group keyring. Keys come from `derive`
// (Argon2id, §5.1); randomness from the caller. Nothing here does I/O: published keys are passed in.
import type { Block } from '../block.js';
import { cloneJson, isObject, own } from '../json.js';
import { fromBase64, toBase64, type RandomBytes } from './codec.js';
import { deriveKeypair, type Keypair } from './keys.js';
import { KEY_BYTES, NONCE_BYTES, boxOpen, boxSeal, x25519Public } from './nacl.js';
import { grayMode, isGrayEnvelope, openFromPartner, openWithKey, sealForPartner, sealWithKey } from './envelope.js';

export type Derive = (secret: string, handle: string) => Promise<Keypair>;

/** A derivation cache for one operation: each (secret, handle) pair costs one Argon2id run. */
export function memoDerive(derive: Derive = deriveKeypair): Derive {
  const cache = new Map<string, Promise<Keypair>>();
  return (secret, handle) => {
    const key = JSON.stringify([secret, handle]);
    let pair = cache.get(key);
    if (pair === undefined) cache.set(key, (pair = derive(secret, handle)));
    return pair;
  };
}

// ── self ─────────────────────────────────────────────────────────────────────────────────────

/** Self mode: the secretbox key is the raw X25519 secret derived from (enc secret, agent_id as passed). */
export async function sealSelf(content: unknown, encSecret: string, agentId: string, random: RandomBytes, derive: Derive = deriveKeypair): Promise<Block> {
  const pair = await derive(encSecret, agentId);
  return sealWithKey('self', content, pair.x25519.secretKey, random);
}

export async function openSelf(node: unknown, encSecret: string, agentId: string, derive: Derive = deriveKeypair): Promise<string | null> {
  if (grayMode(node) !== 'self') return null;
  const pair = await derive(encSecret, agentId);
  return openWithKey(node as Block, pair.x25519.secretKey);
}

// ── grain ────────────────────────────────────────────────────────────────────────────────────

export const publicKeyBytes = (b64: string): Uint8Array | null => {
  const bytes = fromBase64(b64);
  return bytes !== null && bytes.length === KEY_BYTES ? bytes : null;
};

/** Grain mode: box from me to my partner; `9.2` names the partner. Null when the partner key is unusable. */
export async function sealGrain(
  content: unknown,
  encSecret: string,
  myHandle: string,
  partner: { handle: string; x25519: string },
  random: RandomBytes,
  derive: Derive = deriveKeypair,
): Promise<Block | null> {
  const theirs = publicKeyBytes(partner.x25519);
  if (theirs === null) return null;
  const mine = await derive(encSecret, myHandle);
  return sealForPartner(content, partner.handle, theirs, mine.x25519.secretKey, random);
}

/**
 * A grain reader tries (I am side 1, counterparty side 2's key) then (I am side 2, counterparty side
 * 1's key); the reader's enc secret opens exactly one. `keys` are the parties' published X25519 keys.
 */
export async function openGrain(
  node: unknown,
  encSecret: string,
  parties: { '1'?: string; '2'?: string },
  keys: { '1'?: string; '2'?: string },
  derive: Derive = deriveKeypair,
): Promise<string | null> {
  if (grayMode(node) !== 'grain') return null;
  for (const [me, other] of [['1', '2'], ['2', '1']] as const) {
    const handle = parties[me];
    const theirs = keys[other] === undefined ? null : publicKeyBytes(keys[other]);
    if (handle === undefined || theirs === null) continue;
    const pair = await derive(encSecret, handle);
    const plain = openFromPartner(node as Block, theirs, pair.x25519.secretKey);
    if (plain !== null) return plain;
  }
  return null;
}

// ── group ────────────────────────────────────────────────────────────────────────────────────

export const KEYRING_MARK = 'group-keyring';
const PAGE = 8;

export interface Member {
  handle: string;
  /** published X25519 key, base64 */
  x25519: string;
}

export const isGroupBlock = (block: unknown): boolean => isObject(block) && isObject(own(block, '9')) && own(own(block, '9') as Block, '_') === KEYRING_MARK;

/** A new 32-byte group key. */
export const newGroupKey = (random: RandomBytes): Uint8Array => random(KEY_BYTES);

/** The keyring for `members`: K boxed to each member under a fresh ephemeral key; pages of eight, `9` continues. */
export function buildKeyring(groupKey: Uint8Array, members: readonly Member[], random: RandomBytes): Block {
  const entries = members.map((m) => {
    const theirs = publicKeyBytes(m.x25519);
    if (theirs === null) throw new Error(`member "${m.handle}" has no usable published X25519 key`);
    const ephemeral = random(KEY_BYTES);
    const nonce = random(NONCE_BYTES);
    const ct = boxSeal(groupKey, nonce, theirs, ephemeral);
    if (ct === null) throw new Error(`member "${m.handle}" has no usable published X25519 key`);
    return { _: m.handle, '1': toBase64(ct), '2': toBase64(nonce), '3': toBase64(x25519Public(ephemeral)) };
  });
  const page = (from: number, first: boolean): Block => {
    const node: Block = { _: first ? KEYRING_MARK : 'more' };
    entries.slice(from, from + PAGE).forEach((e, i) => (node[String(i + 1)] = e));
    if (from + PAGE < entries.length) node['9'] = page(from + PAGE, false);
    return node;
  };
  return page(0, true);
}

/** The keyring's entries across its pages (each `{_: handle, 1: ct, 2: nonce, 3: ephemeral pub}`). */
export function keyringEntries(keyring: unknown): Block[] {
  const out: Block[] = [];
  let page: unknown = keyring;
  for (let guard = 0; isObject(page) && guard < 10_000; guard++) {
    for (let i = 1; i <= PAGE; i++) {
      const entry = own(page, String(i));
      if (isObject(entry) && typeof own(entry, '_') === 'string') out.push(entry);
    }
    page = own(page, '9');
  }
  return out;
}

export const keyringHandles = (keyring: unknown): string[] => keyringEntries(keyring).map((e) => own(e, '_') as string);

/**
 * The most handles a reader's enc secret is tried against when unwrapping a group key: each try is
 * one Argon2id derivation (~200 ms), so a hostile keyring of thousands of entries cannot pin the
 * server. Groups are capped at the same size when written.
 */
export const MAX_GROUP_MEMBERS = 64;

/**
 * Trial-unwraps K with the reader's enc secret; null when it opens no entry. Entries whose handle
 * is in `prefer` are tried first; at most `MAX_GROUP_MEMBERS` distinct handles are derived.
 */
export async function unwrapGroupKey(keyring: unknown, encSecret: string, derive: Derive = deriveKeypair, prefer: readonly string[] = []): Promise<Uint8Array | null> {
  const entries = keyringEntries(keyring);
  const first = entries.filter((e) => prefer.includes(own(e, '_') as string));
  const tried = new Set<string>();
  for (const entry of [...first, ...entries.filter((e) => !first.includes(e))]) {
    const handle = own(entry, '_') as string;
    const [ct, nonce, eph] = ['1', '2', '3'].map((k) => (typeof own(entry, k) === 'string' ? fromBase64(own(entry, k) as string) : null));
    if (!ct || !nonce || !eph || nonce.length !== NONCE_BYTES || eph.length !== KEY_BYTES) continue;
    if (!tried.has(handle) && tried.size >= MAX_GROUP_MEMBERS) break;
    tried.add(handle);
    const pair = await derive(encSecret, handle);
    const key = boxOpen(ct, nonce, eph, pair.x25519.secretKey);
    if (key !== null && key.length === KEY_BYTES) return key;
  }
  return null;
}

export const sealGroup = (content: unknown, groupKey: Uint8Array, random: RandomBytes): Block => sealWithKey('group', content, groupKey, random);

export const openGroup = (node: unknown, groupKey: Uint8Array): string | null => (grayMode(node) === 'group' ? openWithKey(node as Block, groupKey) : null);

/** Every node of a tree with its parent, iteratively (hostile depth cannot overflow the stack). */
function* nodes(root: Block): Generator<{ parent: Block; key: string; node: unknown }> {
  const stack: Block[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    for (const key of Object.keys(parent)) {
      const node = parent[key];
      yield { parent, key, node };
      if (isObject(node) && !isGrayEnvelope(node)) stack.push(node);
    }
  }
}

/**
 * Membership change with a removal (§5.6): a new key, every group envelope re-sealed from the old key
 * to the new one, and a keyring for `members`. Returns a new block; the input is untouched.
 */
export function rotateGroup(block: Block, oldKey: Uint8Array, members: readonly Member[], random: RandomBytes): { block: Block; groupKey: Uint8Array; resealed: number } {
  const next = cloneJson(block);
  const groupKey = newGroupKey(random);
  delete next['9'];
  let resealed = 0;
  for (const { parent, key, node } of [...nodes(next)]) {
    if (grayMode(node) !== 'group') continue;
    const plain = openWithKey(node as Block, oldKey);
    if (plain === null) continue;
    parent[key] = sealGroup(plain, groupKey, random);
    resealed++;
  }
  next['9'] = buildKeyring(groupKey, members, random);
  return { block: next, groupKey, resealed };
}

/** What a keyed reader can open; each returns the plaintext or null. */
export interface Openers {
  self?: (node: Block) => Promise<string | null>;
  grain?: (node: Block) => Promise<string | null>;
  group?: (node: Block) => Promise<string | null>;
}

export const UNREADABLE = '[encrypted]';

/** Keyed read (§5.7): every envelope becomes its plaintext, or "[encrypted]" when the key does not open it. */
export async function decryptTree(block: unknown, openers: Openers): Promise<unknown> {
  if (isGrayEnvelope(block)) return (await openOne(block, openers)) ?? UNREADABLE;
  if (!isObject(block)) return block;
  const root = cloneJson(block);
  for (const { parent, key, node } of [...nodes(root)]) {
    if (isGrayEnvelope(node)) parent[key] = (await openOne(node, openers)) ?? UNREADABLE;
  }
  return root;
}

async function openOne(node: Block, openers: Openers): Promise<string | null> {
  const mode = grayMode(node);
  const opener = mode === null ? undefined : openers[mode];
  return opener === undefined ? null : opener(node);
}
