// bsp(): one function over every pscale block (bsp-beach §7.1). It translates agent_id into a beach
// and a block name (§6.1), loads blocks, runs the walker locally, encrypts gray content on this side
// (enc_secret never leaves), and forwards writes with secret/new_lock to the beach that checks them.
import {
  buildKeyring,
  decryptTree,
  isGrayEnvelope,
  isGroupBlock,
  keyringHandles,
  newGroupKey,
  openGrain,
  openGroup,
  openSelf,
  readPublishedKeys,
  rotateGroup,
  sealGrain,
  sealGroup,
  sealSelf,
  unwrapGroupKey,
  type Derive,
  type Member,
  type Openers,
} from '../../../beach/gray/index.js';
import {
  BeachError,
  InvalidAddressError,
  bspRead,
  bspWrite,
  floorDepth,
  formatAddress,
  formatRead,
  formatWrite,
  parseSpindle,
  placeAt,
  walk,
  type Block,
  type ReadResult,
} from '../../../beach/index.js';
import { cloneJson } from '../../../beach/json.js';
import { beachErrorText } from '../federation/beaches.js';
import { SENTINEL, translateAddress } from '../federation/origin.js';
import { FederationError } from '../federation/ssrf.js';
import { SENTINEL_BLOCKS } from '../sentinel/index.js';
import { ToolRefusal, derivation, isBlock, loadBlock, okAnswer, post, readAt, type BeachToolDeps } from './context.js';

export interface BspInput {
  agent_id: string;
  block?: string | undefined;
  spindle?: string | null | undefined;
  pscale_attention?: number | null | undefined;
  content?: unknown;
  append?: boolean | undefined;
  secret?: string | undefined;
  new_lock?: string | null | undefined;
  gray?: boolean | undefined;
  enc_secret?: string | undefined;
  members?: string[] | undefined;
  face?: string | undefined;
  tier?: string | undefined;
}

export const READ_ONLY_SENTINEL = '"pscale" is a read-only sentinel. The bundled teaching blocks are server-fixed.';

/** Strings that parse as a JSON object/array become that value, at any depth (§7.1 step 2). */
export function normaliseContent(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (typeof parsed === 'object' && parsed !== null) return normaliseContent(parsed, depth + 1);
      } catch {
        // not JSON: a string stays a string
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => normaliseContent(v, depth + 1));
  if (isBlock(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: normaliseContent(v, depth + 1), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

export async function bsp(deps: BeachToolDeps, input: BspInput): Promise<string> {
  try {
    return await run(deps, input);
  } catch (error) {
    if (error instanceof ToolRefusal) return error.message;
    if (error instanceof FederationError) return `Beach unreachable: ${error.message}`;
    throw error;
  }
}

const sentinelIndex = (): string => {
  const names = Object.keys(SENTINEL_BLOCKS).sort();
  return [`[sentinel index @ "${SENTINEL}"]`, `  ${names.length} bundled block(s) — read each via block="<name>":`, ...names.map((n) => `    • ${n}`)].join('\n');
};

const size = (bytes: number): string => (bytes < 1000 ? `${bytes}b` : bytes < 10_000 ? `${(bytes / 1000).toFixed(1)}k` : `${Math.round(bytes / 1000)}k`);

function beachIndexText(origin: string, body: unknown): string {
  const index = isBlock(body) ? body : {};
  const names = Array.isArray(index['blocks']) ? index['blocks'].filter((n): n is string => typeof n === 'string') : [];
  const bytes = isBlock(index['bytes']) ? index['bytes'] : null;
  const lines = [`[beach index @ ${origin}]`];
  if (typeof index['_'] === 'string') lines.push(`  ${index['_']}`);
  if (names.length === 0) lines.push('  (no named blocks yet — empty surface)');
  else {
    lines.push(`  ${names.length} block(s) — address each via block="<name>"${bytes ? '; sizes are stored-JSON bytes — pick an aperture before the read' : ''}:`);
    for (const n of names) {
      const b = bytes?.[n];
      lines.push(`    • ${n}${typeof b === 'number' ? ` (${size(b)})` : ''}`);
    }
  }
  return lines.join('\n');
}

const notFoundText = (block: string, origin: string, input: BspInput): string =>
  `Block "${block}" not found at federated host ${origin}${input.agent_id !== origin || block !== (input.block ?? '') ? ` (resolved from agent_id="${input.agent_id}" + block="${input.block ?? ''}")` : ''}. ` +
  'The host is federated and serves /.well-known/pscale-beach, but does not host this block. ' +
  'If you intended a per-agent block, the canonical name is "<role>:<handle>" — e.g. "passport:<handle>"; list the host\'s blocks with bsp(agent_id="<host>").';

const noBeachRead = (url: string): string => {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // as given
  }
  return `No beach at ${url}/.well-known/pscale-beach (also tried the beach.${host} subdomain — neither is federated). Check the URL, or read the teaching blocks with bsp(agent_id="pscale").`;
};

const NULL_WORDS = new Set(['null', 'undefined', 'none', 'nil']);

async function run(deps: BeachToolDeps, input: BspInput): Promise<string> {
  const blockName = input.block ?? '';
  const content = input.content === undefined ? undefined : normaliseContent(input.content);
  const target = translateAddress(input.agent_id, blockName, deps.defaultBeach());
  const hasLock = input.new_lock !== undefined;
  const isRead = content === undefined && !hasLock && input.members === undefined && input.append !== true;

  if (target.kind === 'sentinel') {
    if (!isRead) return READ_ONLY_SENTINEL;
    if (target.block === '') return sentinelIndex();
    const block = Object.prototype.hasOwnProperty.call(SENTINEL_BLOCKS, target.block) ? SENTINEL_BLOCKS[target.block] : undefined;
    if (block === undefined) return `Block "pscale/${target.block}" not found.`;
    return readLocal(block, input);
  }

  const origin = await deps.beaches.resolve(target.url);
  if (input.append === true) return append(deps, input, origin, target.block, content);
  if (isRead) {
    if (origin === null) return noBeachRead(target.url);
    if (target.block === '') {
      const answer = await deps.beaches.get(origin, {});
      if (!okAnswer(answer)) return `Beach index read failed: ${beachErrorText(answer)}`;
      return beachIndexText(origin, answer.body);
    }
    return read(deps, input, origin, target.block);
  }
  if (origin === null) return `No beach at ${target.url} (also tried beach.${hostOf(target.url)}). Site is not federated; cannot write.`;
  return write(deps, input, origin, target.block, content);
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

function readLocal(block: unknown, input: BspInput): string {
  try {
    return formatRead(bspRead(block, input.spindle ?? '', input.pscale_attention ?? null));
  } catch (error) {
    if (error instanceof InvalidAddressError || error instanceof BeachError) return `Read rejected: ${error.message}`;
    throw error;
  }
}

const keyOf = (input: BspInput): string | undefined => input.enc_secret ?? input.secret;

async function read(deps: BeachToolDeps, input: BspInput, origin: string, block: string): Promise<string> {
  const spindle = input.spindle ?? '';
  const key = keyOf(input);
  // Wire fast path: the beach shapes the read itself.
  if (input.pscale_attention !== null && input.pscale_attention !== undefined && !spindle.includes('*') && key === undefined) {
    try {
      const answer = await deps.beaches.get(origin, { block, ...(spindle === '' ? {} : { spindle }), pscale: input.pscale_attention });
      if (answer.status === 404) return notFoundText(block, origin, input);
      if (answer.status === 400) return `Read rejected: ${beachErrorText(answer)}`;
      if (answer.status === 200 && isBlock(answer.body) && typeof answer.body['shape'] === 'string') return formatRead(answer.body as unknown as ReadResult);
      if (answer.status === 200 && isBlock(answer.body)) return readLocal(answer.body, input); // a beach that ignores ?pscale
    } catch (error) {
      if (error instanceof FederationError && error.reason === 'refused') throw error;
      // anything else: fall through to the whole-block path
    }
  }
  const loaded = await loadBlock(deps, origin, block);
  if (loaded === null) return notFoundText(block, origin, input);
  const tree = key === undefined ? loaded : await decryptTree(loaded, await openers(deps, input.agent_id, block, loaded, key));
  return readLocal(tree, input);
}

/** What a keyed read can open, for this block (§5.7). */
async function openers(deps: BeachToolDeps, agentId: string, blockName: string, block: Block, key: string): Promise<Openers> {
  const derive = derivation(deps);
  const out: Openers = { self: (node) => openSelf(node, key, agentId, derive) };
  if (blockName.startsWith('grain:')) {
    const parties = grainParties(block);
    const keys: { '1'?: string; '2'?: string } = {};
    for (const side of ['1', '2'] as const) {
      const h = parties[side];
      const pub = h === undefined ? null : await publishedKeys(deps, h);
      if (pub) keys[side] = pub.x25519;
    }
    out.grain = (node) => openGrain(node, key, parties, keys, derive);
  }
  if (isGroupBlock(block)) {
    let groupKey: Promise<Uint8Array | null> | undefined;
    out.group = async (node) => {
      groupKey ??= unwrapGroupKey(block['9'], key, derive, [agentId]);
      const k = await groupKey;
      return k === null ? null : openGroup(node, k);
    };
  }
  return out;
}

function grainParties(block: Block): { '1'?: string; '2'?: string } {
  const nine = block['9'];
  const out: { '1'?: string; '2'?: string } = {};
  if (isBlock(nine)) for (const side of ['1', '2'] as const) if (typeof nine[side] === 'string') out[side] = nine[side];
  return out;
}

/** A handle's published keys: `passport:<handle>` position 9 at the default beach (§5.2). */
export async function publishedKeys(deps: BeachToolDeps, handle: string): Promise<{ x25519: string; ed25519: string } | null> {
  const origin = await deps.beaches.resolve(deps.defaultBeach());
  if (origin === null) return null;
  const passport = await loadBlock(deps, origin, `passport:${handle}`);
  return passport === null ? null : readPublishedKeys(passport['9']);
}

function sideOf(spindle: string): '1' | '2' | null {
  const first = spindle.replace(/^[0.]+/, '')[0];
  return first === '1' || first === '2' ? first : null;
}

async function grainSeal(deps: BeachToolDeps, block: Block, spindle: string, value: unknown, key: string, derive: Derive, verb: 'Write' | 'Append'): Promise<Block> {
  const side = sideOf(spindle);
  if (side === null) {
    throw new ToolRefusal(
      verb === 'Write'
        ? 'Write rejected: grain gray write must address your side (spindle starting with 1 or 2).'
        : "Append rejected: a grain append must name your side — spindle '1' or '2'. Grain content is private by default and is encrypted to your partner.",
    );
  }
  const parties = grainParties(block);
  const me = parties[side];
  const partner = parties[side === '1' ? '2' : '1'];
  if (me === undefined || partner === undefined) {
    throw new ToolRefusal(`${verb} rejected: grain not established (no parties at position 9). Reach first via pscale_grain_reach, then curate with bsp().`);
  }
  const theirs = await publishedKeys(deps, partner);
  if (theirs === null) throw new ToolRefusal(`${verb} rejected: partner "${partner}" has not published keys — cannot curate privately. They run pscale_key_publish first (or write public with gray:false).`);
  const sealed = await sealGrain(value, key, me, { handle: partner, x25519: theirs.x25519 }, deps.random, derive);
  if (sealed === null) throw new ToolRefusal(`${verb} rejected: partner "${partner}" published an unusable encryption key.`);
  return sealed;
}

async function append(deps: BeachToolDeps, input: BspInput, origin: string | null, block: string, content: unknown): Promise<string> {
  if (content === undefined) return 'Append rejected: append needs `content` (the entry to append).';
  if (input.members !== undefined) return 'Append rejected: a membership change is not an entry — set `members` with an ordinary write, then append content.';
  if (origin === null) return `No beach at ${input.agent_id} (also tried beach.${hostOf(input.agent_id)}). Site is not federated; cannot append.`;
  const spindle = input.spindle ?? '';
  const isGrain = block.startsWith('grain:');
  const gray = isGrain ? input.gray !== false : input.gray === true;
  const key = keyOf(input);
  let entry = content;
  if (gray) {
    if (key === undefined) return 'Append rejected: gray encryption requires an encryption key (enc_secret, or secret as fallback). Pass gray:false to write public.';
    const derive = derivation(deps);
    if (isGrain) {
      if (sideOf(spindle) === null || (spindle !== '1' && spindle !== '2')) {
        return "Append rejected: a grain append must name your side — spindle '1' or '2'. Grain content is private by default and is encrypted to your partner.";
      }
      if (input.secret === undefined) return 'Append rejected: a grain append needs `secret` to prove your side lock (plus enc_secret for privacy).';
      const grain = await loadBlock(deps, origin, block);
      if (grain === null) return notFoundText(block, origin, input);
      entry = await grainSeal(deps, grain, spindle, content, key, derive, 'Append');
    } else {
      const existing = await loadBlock(deps, origin, block);
      if (existing !== null && isGroupBlock(existing)) return 'Append rejected: this is a group block — a group append is not supported yet. Write group content at a leaf spindle (1-8).';
      entry = await sealSelf(content, key, input.agent_id, deps.random, derive);
    }
  }
  const sendSecret = input.secret !== undefined && !(gray && !isGrain && input.enc_secret === undefined);
  const body: Record<string, unknown> = { append: true, content: entry };
  if (spindle !== '') body['spindle'] = spindle;
  if (sendSecret) body['secret'] = input.secret;
  const answer = await post(deps, origin, block, body);
  if (!okAnswer(answer)) {
    const hint = gray && !isGrain && input.enc_secret === undefined && answer.status === 403 ? ' (your secret was used only as the encryption key; pass enc_secret for encryption and secret for the lock)' : '';
    return `Append rejected: ${beachErrorText(answer)}${hint}`;
  }
  const ack = isBlock(answer.body) ? answer.body : {};
  const where = `${origin}/${block}`;
  if (spindle !== '') {
    const lines = [`[append @ "${where}" → ${String(ack['address'])} (slot ${String(ack['slot'])} beneath node ${String(ack['node'] ?? spindle)})]`];
    if (ack['supernested'] === true) lines.push('  ⤴ node supernested — the ladder continues within');
    return lines.join('\n');
  }
  const lines = [`[append @ "${where}" → slot ${String(ack['slot'])}]`];
  if (ack['supernested'] === true) lines.push(`  ⤴ supernested → floor ${String(ack['floor'])}`);
  return lines.join('\n');
}

/** §3.8: a content write must not land inside a gray envelope's ciphertext. */
function grayDescent(block: Block, spindle: string): string | null {
  const floor = floorDepth(block);
  const { digits } = parseSpindle(spindle, floor);
  for (let i = 1; i < digits.length; i++) {
    const prefix = digits.slice(0, i);
    if (isGrayEnvelope(walk(block, prefix))) {
      const addr = formatAddress(prefix, floor);
      return `Write rejected: "${spindle}" descends into the gray envelope at ${addr} — that address is inside ciphertext, not content, and writing there destroys the entry beyond recovery. To replace that entry, write AT ${addr}. To add a new one, append (append:true), which carries gray and allocates its own slot.`;
    }
  }
  return null;
}

function lockNote(block: string, spindle: string, newLock: string | null): string {
  const position = spindle.replace(/\*$/, '');
  if (newLock === null || newLock === '') {
    const where = position === '' ? 'the underscore' : `position "${position}"`;
    return `Lock RELINQUISHED at ${where} of ${block} — open again, as if never locked.`;
  }
  if (position === '') return `Lock SET at the underscore of ${block}, governing the whole block — the beach admitted this call; every later write needs this passphrase as secret.`;
  return `Lock SET at position "${position}" of ${block}, covering that position and its whole subtree, and overriding any lock at the root for it. The beach admitted this call; later writes there need this passphrase as secret.`;
}

async function write(deps: BeachToolDeps, input: BspInput, origin: string, blockName: string, content: unknown): Promise<string> {
  const spindle = input.spindle ?? '';
  if (typeof input.new_lock === 'string' && NULL_WORDS.has(input.new_lock.trim().toLowerCase())) {
    return `Write rejected: new_lock was the literal string "${input.new_lock}", which is a serialisation slip rather than a passphrase. To relinquish a lock pass new_lock: null (or ""); to set one, pass a real passphrase. Nothing was sent.`;
  }
  const loaded = await loadBlock(deps, origin, blockName);
  let block: Block = loaded ?? {};
  if (content !== undefined && spindle !== '') {
    try {
      const descent = grayDescent(block, spindle);
      if (descent !== null) return descent;
    } catch (error) {
      if (error instanceof InvalidAddressError || error instanceof BeachError) return `Write rejected: ${error.message}`;
      throw error;
    }
  }
  const isGrain = blockName.startsWith('grain:');
  const hasKeyring = isGroupBlock(block);
  const isGroupOp = input.members !== undefined || hasKeyring;
  const wantGray = isGrain ? input.gray !== false : input.gray === true;
  const key = keyOf(input);
  let shape = '';
  let whole = spindle === '' || spindle === '*';
  let sendSecret = input.secret !== undefined;
  try {
    if (isGroupOp && input.gray !== false && (content !== undefined || input.members !== undefined)) {
      const result = await groupWrite(deps, input, block, spindle, content, key);
      block = result.block;
      if (result.membership) whole = true;
      else whole = false;
      shape = 'point';
    } else if (content !== undefined) {
      if (wantGray) {
        if (key === undefined) return 'Write rejected: gray encryption requires an encryption key (enc_secret, or secret as fallback). Pass gray:false to write public.';
        if (isGrain && input.secret === undefined) return 'Write rejected: a grain write needs `secret` to prove your side lock (plus enc_secret for privacy).';
        if (spindle === '' || spindle === '*') return 'Write rejected: gray encryption requires a non-empty spindle (encrypt at a leaf, not the whole block).';
        const derive = derivation(deps);
        const sealed = isGrain ? await grainSeal(deps, block, spindle, content, key, derive, 'Write') : await sealSelf(content, key, input.agent_id, deps.random, derive);
        block = cloneJson(block);
        placeAt(block, parseSpindle(spindle, floorDepth(block)).digits, sealed, { voice: false });
        shape = 'point';
        if (!isGrain && !hasLock(input) && input.enc_secret === undefined) sendSecret = false;
      } else {
        const result = bspWrite(block, spindle, input.pscale_attention ?? null, content);
        block = result.block;
        shape = result.shape;
        if (result.warning) shape = `${shape}\u0000${result.warning}`;
      }
    }
  } catch (error) {
    if (error instanceof ToolRefusal) throw error;
    if (error instanceof InvalidAddressError || error instanceof BeachError) return `Write rejected: ${error.message}`;
    throw error;
  }
  const body: Record<string, unknown> = {};
  if (whole) {
    body['content'] = block;
    body['confirm'] = true;
  } else {
    const at = spindle.replace(/\*$/, '');
    body['spindle'] = at;
    const node = content === undefined ? undefined : readAt(block, at);
    if (node !== undefined) body['content'] = node;
    if (input.pscale_attention !== undefined && input.pscale_attention !== null) body['pscale_attention'] = input.pscale_attention;
  }
  if (whole && content === undefined && input.members === undefined) delete body['content']; // lock-only at the root
  if (whole && content === undefined && input.members === undefined) delete body['confirm'];
  if (sendSecret) body['secret'] = input.secret;
  if (hasLock(input)) body['new_lock'] = input.new_lock;
  if (input.gray !== undefined) body['gray'] = input.gray;
  const answer = await post(deps, origin, blockName, body);
  if (!okAnswer(answer)) return `Write rejected: Beach save rejected: ${beachErrorText(answer)}`;
  const note = hasLock(input) ? `\n${lockNote(blockName, spindle, input.new_lock ?? null)}` : '';
  if (shape === '') return `[lock @ "${origin}/${blockName}"]${note}`;
  const [shapeName, warning] = shape.split('\u0000') as [string, string | undefined];
  return formatWrite({ shape: shapeName, spindle: spindle === '' && shapeName === 'point' ? '9' : spindle, pscale: input.pscale_attention ?? null, ...(warning ? { warning } : {}) }) + note;
}

const hasLock = (input: BspInput): boolean => input.new_lock !== undefined;

/** Group mode (§5.6): keyring creation, membership diff (removal → rotation), content co-writes. */
async function groupWrite(deps: BeachToolDeps, input: BspInput, block: Block, spindle: string, content: unknown, key: string | undefined): Promise<{ block: Block; membership: boolean }> {
  if (key === undefined) throw new ToolRefusal('Write rejected: group operations need enc_secret (the key that unwraps the shared group key).');
  if (input.members !== undefined && input.members.length === 0) {
    throw new ToolRefusal('Write rejected: members must list the handles allowed to read (include yourself); an empty list would lock everyone out.');
  }
  if (content !== undefined) {
    if (spindle === '' || spindle === '*') throw new ToolRefusal('Write rejected: group content write needs a leaf spindle (1-8).');
    if (sideOf(spindle.replace(/^[0.]+/, '')) === null && spindle.replace(/^[0.]+/, '').startsWith('9')) {
      throw new ToolRefusal('Write rejected: position 9 is the keyring — write group content at positions 1-8.');
    }
  }
  const derive = derivation(deps);
  let next = cloneJson(block);
  let groupKey: Uint8Array;
  if (input.members !== undefined) {
    const wanted = [...new Set(input.members)];
    const members: Member[] = [];
    for (const handle of wanted) {
      const keys = await publishedKeys(deps, handle);
      if (keys === null) throw new ToolRefusal(`Write rejected: member "${handle}" has not published keys — they run pscale_key_publish first.`);
      members.push({ handle, x25519: keys.x25519 });
    }
    if (!isGroupBlock(next)) {
      groupKey = newGroupKey(deps.random);
      next['9'] = buildKeyring(groupKey, members, deps.random);
    } else {
      const current = await unwrapGroupKey(next['9'], key, derive, [input.agent_id]);
      if (current === null) throw new ToolRefusal('Write rejected: cannot unwrap the group key — you are not a member, or the enc_secret is wrong.');
      const removed = keyringHandles(next['9']).some((h) => !wanted.includes(h));
      if (removed) {
        const rotated = rotateGroup(next, current, members, deps.random);
        next = rotated.block;
        groupKey = rotated.groupKey;
      } else {
        groupKey = current;
        next['9'] = buildKeyring(groupKey, members, deps.random);
      }
    }
  } else {
    const current = await unwrapGroupKey(next['9'], key, derive, [input.agent_id]);
    if (current === null) throw new ToolRefusal('Write rejected: cannot unwrap the group key — you are not a member, or the enc_secret is wrong.');
    groupKey = current;
  }
  if (content !== undefined) {
    placeAt(next, parseSpindle(spindle, floorDepth(next)).digits, sealGroup(content, groupKey, deps.random), { voice: false });
  }
  return { block: next, membership: input.members !== undefined };
}
