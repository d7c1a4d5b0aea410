// The beach over a store (issue 12): each request reads its block's record, runs the pure engine,
// and writes what comes back, all inside one store transaction, so requests on one block are
// serial. A windowed root append also takes `liquid:<block>` into the same transaction, and the
// pool's live window claims travel in its record. Every request addresses one world (§6.5): the
// world's origin salts its locks and its key scopes the stored names.
import { applyDelete, applyGet, applyPost, surfaceIndex, type BlockRecord, type EngineResult } from '../../beach/index.js';
import type { BeachStore, StoredRecord, Transacted, WindowClaim } from './beach-store.js';
import { BlockCount, type BlockQuota } from './block-count.js';
import { BASE_WORLD, worldKey, worldOrigin, type World } from './world.js';

export interface BeachReply {
  status: number;
  body: unknown;
}

/** How long a won single-resolution claim blocks rivals (the reference's 120 s). */
export const CLAIM_TTL_MS = 120_000;

/** Longer block names are refused on writes (400 invalid_shape): a name is a label, not a payload. */
export const MAX_BLOCK_NAME = 1024;

export interface BeachServiceDeps {
  store: BeachStore;
  /** The beach's origin without scheme (`host[:port]` of PUBLIC_URL); salts ordinary locks. */
  origin: () => string;
  now: () => number;
  /** Largest block kept (UTF-8 bytes of its JSON): appends and writes cannot grow one past it. */
  maxBlockBytes?: number;
  /** How many blocks a world may hold, and who may create one (none: no bound). */
  quota?: BlockQuota;
}

/** The default block size bound: far above any teaching or passport block, far below a disk. */
export const DEFAULT_MAX_BLOCK_BYTES = 4 * 1024 * 1024;

const engineRecord = (stored: StoredRecord | null): BlockRecord | null =>
  stored === null ? null : { block: stored.block, locks: stored.locks, ...(stored.touched === undefined ? {} : { touched: stored.touched }) };

const liveClaims = (stored: StoredRecord | null, now: number): WindowClaim[] => (stored?.claims ?? []).filter((claim) => now - claim.at < CLAIM_TTL_MS);

const reply = (result: EngineResult): BeachReply => ({ status: result.status, body: result.body });

const refuse = (status: number, code: string, message: string): BeachReply => ({ status, body: { error: message, code, message } });

// In a `u` regex a surrogate pair is one code point, so this matches only a lone surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// NUL cannot be stored (PostgreSQL text); U+001E and U+001F separate worlds in storage keys.
// eslint-disable-next-line no-control-regex
const RESERVED = /[\u0000\u001e\u001f]/;

/** Names a store could not keep and list back faithfully are refused on writes. */
const badName = (name: string): BeachReply | null => {
  if (name.length > MAX_BLOCK_NAME) return refuse(400, 'invalid_shape', `block name is ${name.length} characters long; at most ${MAX_BLOCK_NAME} are accepted`);
  if (LONE_SURROGATE.test(name)) return refuse(400, 'invalid_shape', 'block name is not well-formed Unicode text (it holds a lone surrogate)');
  if (RESERVED.test(name)) return refuse(400, 'invalid_shape', 'block name holds U+0000, U+001E or U+001F, which this beach reserves');
  return null;
};

/** Where a world's block is stored: the base beach's names as they are, a world's behind its key. */
export function storageName(world: World, name: string): string {
  const key = worldKey(world);
  return key === '' ? name : `\u001f${key}\u001f${name}`;
}

/** The block names of `world` among stored names (a world's key stripped). */
function namesIn(world: World, stored: readonly string[]): Array<[stored: string, name: string]> {
  const key = worldKey(world);
  if (key === '') return stored.filter((n) => !n.startsWith('\u001f')).map((n) => [n, n]);
  const prefix = `\u001f${key}\u001f`;
  return stored.filter((n) => n.startsWith(prefix)).map((n) => [n, n.slice(prefix.length)]);
}

/** A body asking for a single-resolution claim: the liquid block joins the transaction. */
const resolveWindowOf = (body: unknown): string | null => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const window = Object.prototype.hasOwnProperty.call(body, 'resolve_window') ? (body as Record<string, unknown>)['resolve_window'] : undefined;
  return typeof window === 'string' ? window : null;
};

export class BeachService {
  private readonly count: BlockCount | null;

  constructor(private readonly deps: BeachServiceDeps) {
    this.count = deps.quota ? new BlockCount(deps.store, deps.quota, (world) => this.storedNames(world)) : null;
  }

  /** The base beach's origin (`host[:port]` of the public URL). */
  get origin(): string {
    return this.deps.origin();
  }

  /** The origin of a world of this beach (§6.5). */
  originOf(world: World): string {
    return worldOrigin(world, this.deps.origin());
  }

  /** GET without a block: every stored block of the world, with its size. */
  async index(world: World = BASE_WORLD): Promise<BeachReply> {
    const sizes = await this.deps.store.list();
    const byName = new Map(sizes.map((s) => [s.name, s.bytes]));
    const names = namesIn(world, sizes.map((s) => s.name));
    const bytes = Object.fromEntries(names.map(([stored, name]) => [name, byName.get(stored)!]));
    return { status: 200, body: surfaceIndex(this.originOf(world), names.map(([, name]) => name), bytes) };
  }

  /** GET with a block: whole block, raw node, or shaped read (§8.3b). */
  async read(name: string, spindle: string | null, pscale: string | null, world: World = BASE_WORLD): Promise<BeachReply> {
    const refused = badName(name);
    if (refused) return refused;
    const stored = await this.deps.store.get(storageName(world, name));
    return reply(applyGet(engineRecord(stored), { name, spindle, pscale }));
  }

  /** POST (§8.4): register, reach, append or the standard write. */
  async post(name: string, body: unknown, world: World = BASE_WORLD): Promise<BeachReply> {
    const ctx = { origin: this.originOf(world), now: this.deps.now() };
    if (name === '') return reply(applyPost(null, { name, body }, ctx));
    const refused = badName(name);
    if (refused) return refused;
    const window = resolveWindowOf(body);
    const key = storageName(world, name);
    const liquidKey = storageName(world, `liquid:${name}`);
    const names = window === null ? [key] : [key, liquidKey];
    return this.transact(world, names, (records) => {
      const stored = records.get(key) ?? null;
      const claims = liveClaims(stored, ctx.now);
      const state = window === null ? undefined : { liquid: records.get(liquidKey)?.block ?? null, claimedBy: claims.find((c) => c.window === window)?.claimant ?? null };
      const result = applyPost(engineRecord(stored), { name, body }, ctx, state);
      const writes = new Map<string, StoredRecord | null>();
      if (result.changed) {
        const claim = result.effects?.claim;
        const kept = claim === undefined ? claims : [...claims, { ...claim, at: ctx.now }];
        writes.set(key, result.record === null ? null : { ...result.record, ...(kept.length > 0 ? { claims: kept } : {}) });
      }
      const liquid = result.effects?.liquid;
      if (liquid !== undefined) {
        const previous = records.get(liquidKey) ?? null;
        writes.set(liquidKey, { block: liquid, locks: previous?.locks ?? {}, touched: new Date(ctx.now).toISOString() });
      }
      const tooLarge = this.oversized(writes);
      if (tooLarge) return { result: tooLarge };
      return { result: reply(result), writes };
    });
  }

  // Each request is bounded by the body limit, but appends and placements grow a block: past the
  // bound the change is refused and nothing is stored.
  private oversized(writes: ReadonlyMap<string, StoredRecord | null>): BeachReply | null {
    const max = this.deps.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    for (const [name, record] of writes) {
      if (record === null) continue;
      const bytes = Buffer.byteLength(JSON.stringify(record.block));
      if (bytes > max) return refuse(413, 'block_too_large', `block "${name.slice(name.lastIndexOf('\u001f') + 1).slice(0, 100)}" would hold ${bytes} bytes; this beach keeps blocks of at most ${max} bytes`);
    }
    return null;
  }

  /** DELETE (§8.6): wipe a block and its locks. */
  async delete(name: string, body: unknown, world: World = BASE_WORLD): Promise<BeachReply> {
    const ctx = { origin: this.originOf(world), now: this.deps.now() };
    if (name === '') return reply(applyDelete(null, { name, body }, ctx));
    const refused = badName(name);
    if (refused) return refused;
    const key = storageName(world, name);
    return this.transact(world, [key], (records) => {
      const result = applyDelete(engineRecord(records.get(key) ?? null), { name, body }, ctx);
      return result.changed ? { result: reply(result), writes: new Map([[key, null]]) } : { result: reply(result) };
    });
  }

  /** One request's transaction, through the block count when the beach bounds it. */
  private transact(world: World, names: string[], fn: (records: ReadonlyMap<string, StoredRecord | null>) => Transacted<BeachReply>): Promise<BeachReply> {
    return this.count ? this.count.transact(world, names, fn) : this.deps.store.transact(names, fn);
  }

  private async storedNames(world: World): Promise<number> {
    return namesIn(world, (await this.deps.store.list()).map((s) => s.name)).length;
  }
}
