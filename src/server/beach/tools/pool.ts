// pscale_pool_engage (bsp-beach §7.7, seed behaviour): spool transport, optional staging to the
// liquid buffer and an atomic commit, returned as one readable envelope. It never synthesises.
import { createHash } from 'node:crypto';
import { bspRead, formatRead, semantic, zeroFreePaths, type Block } from '../../../beach/index.js';
import { beachErrorText } from '../federation/beaches.js';
import { isBeachUrl } from '../federation/origin.js';
import { SENTINEL_BLOCKS } from '../sentinel/index.js';
import { isBlock, loadBlock, nowIso, okAnswer, post, readAt, type BeachToolDeps } from './context.js';

export interface PoolEngageInput {
  agent_id: string;
  pool_url: string;
  pool_name: string;
  contribution?: string | undefined;
  submit?: string | undefined;
  destination?: string | undefined;
  with_liquid?: boolean | undefined;
  face?: string | undefined;
  since_position?: number | undefined;
  secret?: string | undefined;
  purpose?: string | undefined;
  resolves_window?: string | undefined;
  synthesis_hint?: string | undefined;
}

export const DEFAULT_HINT =
  'Synthesise the contributions through your own purpose. Each visitor reads the same stream and produces their own synthesis — there is no central resolver. Preserve distinct voices. Flag tensions and convergences honestly. What you make of it is yours.';

/** 1..9, 11..99, 111..999 without zeros (819 slots). */
export const digitPathSlots = (): string[] => zeroFreePaths(3);

export interface Contribution {
  position: string;
  text: string;
  agent_id: string | null;
  address: string | null;
  ts: string | null;
  face: string | null;
}

export function collectContributions(block: unknown, since: number): { items: Contribution[]; more: boolean } {
  const items: Contribution[] = [];
  for (const slot of digitPathSlots()) {
    let value: unknown;
    try {
      value = readAt(block, slot);
    } catch {
      continue;
    }
    if (value === undefined || value === null) continue;
    if (Number(slot) <= since) continue;
    if (slot.length >= 2 && !isBlock(value)) continue;
    if (items.length >= 200) return { items, more: true };
    if (typeof value === 'string') {
      items.push({ position: slot, text: value, agent_id: null, address: null, ts: null, face: null });
      continue;
    }
    if (!isBlock(value)) continue;
    const str = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : null);
    const text = typeof value['_'] === 'string' ? value['_'] : '';
    if (slot.length === 1 && text === '') continue; // a tombstone
    items.push({ position: slot, text, agent_id: str('1'), address: str('2'), ts: str('3'), face: str('4') });
  }
  return { items, more: false };
}

/** `_` followed through objects to the floor string. */
export const floorUnderscore = (block: unknown): string | null => (isBlock(block) ? semantic(block['_'] ?? null) : null);

export function extractSynthesisHint(block: unknown): string {
  const purpose = floorUnderscore(block);
  return purpose !== null && purpose.trim() !== '' ? purpose : DEFAULT_HINT;
}

export function windowOpenTs(liquid: unknown): string | null {
  const text = floorUnderscore(liquid);
  const m = text === null ? null : /Window opened (\S+?)\.?$/.exec(text.trim());
  return m ? m[1]! : null;
}

/** Exploding d10s from a sha256 byte stream: luck = positive − negative, a pure function of the seed. */
export function deterministicLuck(seed: string): { positive: number; negative: number; luck: number } {
  let h = createHash('sha256').update(seed, 'utf8').digest();
  let i = 0;
  const byte = () => {
    if (i >= h.length) {
      h = createHash('sha256').update(h).digest();
      i = 0;
    }
    return h[i++]!;
  };
  const explode = () => {
    let total = 0;
    for (let guard = 0; guard < 100; guard++) {
      const roll = (byte() % 10) + 1;
      total += roll;
      if (roll !== 10) break;
    }
    return total;
  };
  const positive = explode();
  const negative = explode();
  return { positive, negative, luck: positive - negative };
}

const isDirectiveRef = (purpose: string | null): purpose is string => purpose !== null && !/\s/.test(purpose) && purpose.includes(':');

async function directiveText(deps: BeachToolDeps, origin: string, ref: string): Promise<string | null> {
  try {
    const [name, spindle] = ref.split('/') as [string, string | undefined];
    let block: Block | null;
    if (name.startsWith('pscale:')) block = SENTINEL_BLOCKS[name.slice('pscale:'.length)] ?? null;
    else block = await loadBlock(deps, origin, name);
    if (block === null) return null;
    const node = spindle ? readAt(block, spindle) : block;
    const head = semantic(node);
    const parts = head === null ? [] : [head];
    if (isBlock(node)) for (const d of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) if (node[d] !== undefined) parts.push(`(${d}) ${semantic(node[d]) ?? ''}`);
    return parts.join('\n\n');
  } catch {
    return null;
  }
}

interface LiquidSlot {
  slot: string;
  agent: string | null;
  text: string;
  ts: string | null;
}

function liquidSlots(liquid: Block | null): LiquidSlot[] {
  if (liquid === null) return [];
  const out: LiquidSlot[] = [];
  for (const slot of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
    let v: unknown;
    try {
      v = readAt(liquid, slot);
    } catch {
      continue;
    }
    if (!isBlock(v)) continue;
    out.push({ slot, agent: typeof v['1'] === 'string' ? v['1'] : null, text: typeof v['_'] === 'string' ? v['_'] : '', ts: typeof v['3'] === 'string' ? v['3'] : null });
  }
  return out;
}

export async function poolEngage(deps: BeachToolDeps, input: PoolEngageInput): Promise<string> {
  const withLiquid = input.with_liquid === true || input.submit !== undefined;
  if (!isBeachUrl(input.pool_url)) {
    return `pool_url must be an http(s):// URL (got "${input.pool_url}"). Pool engagement targets federated beaches; pass the beach URL hosting the pool.`;
  }
  const origin = await deps.beaches.resolve(input.pool_url);
  if (origin === null) return `No beach at ${input.pool_url}. Site is not federated.`;
  const poolName = `pool:${input.pool_name}`;
  const liquidName = `liquid:${poolName}`;
  const header: string[] = [];
  let pool = await loadBlock(deps, origin, poolName);
  if (pool === null) {
    if (input.purpose === undefined) {
      return `No pool at (agent_id="${input.pool_url}", block="${poolName}"). Pass purpose= to create one — pscale_pool_engage will author the right shape internally.`;
    }
    const created = await post(deps, origin, poolName, { content: { _: input.purpose }, confirm: true, ...(input.secret === undefined ? {} : { secret: input.secret }) });
    if (!okAnswer(created)) return `Pool creation rejected by beach: ${beachErrorText(created)}`;
    pool = await loadBlock(deps, origin, poolName);
    header.push('created: pool authored with purpose at _');
  }
  if (pool === null) return `No pool at (agent_id="${input.pool_url}", block="${poolName}").`;
  const purpose = floorUnderscore(pool);
  const directive = isDirectiveRef(purpose);

  if (input.submit !== undefined && !(directive && input.face !== undefined && input.face !== 'character')) {
    const text = input.submit;
    const now = nowIso(deps);
    const slotValue: Record<string, unknown> = { _: text, 1: input.agent_id, 2: '', 3: now };
    if (input.face !== undefined) slotValue['4'] = input.face;
    const liquid = await loadBlock(deps, origin, liquidName);
    const live = liquidSlots(liquid).filter((s) => s.text !== '');
    const base = `Liquid buffer for ${poolName}: pending intentions, one slot per author, not yet committed.`;
    let slot: string;
    let answer;
    if (liquid === null || (text !== '' && live.length === 0)) {
      slot = '1';
      answer = await post(deps, origin, liquidName, { content: { _: text === '' ? base : `${base} Window opened ${now}.`, 1: slotValue }, confirm: true, ...(input.secret === undefined ? {} : { secret: input.secret }) });
    } else {
      const all = liquidSlots(liquid);
      slot = all.find((s) => s.agent === input.agent_id)?.slot ?? String(Math.min(9, Math.max(0, ...all.map((s) => Number(s.slot))) + 1));
      answer = await post(deps, origin, liquidName, { spindle: slot, content: slotValue, pscale_attention: -1, ...(input.secret === undefined ? {} : { secret: input.secret }) });
    }
    if (!okAnswer(answer)) return `Pool submit rejected by beach: ${beachErrorText(answer)}`;
    header.push(text === '' ? `withdrawn: liquid slot ${slot} cleared` : `submitted: liquid slot ${slot} (your pending intention — staged, not yet committed)`);
  }

  if (input.contribution !== undefined && input.contribution !== '') {
    const entry: Record<string, unknown> = { _: input.contribution, 1: input.agent_id, 2: '', 3: nowIso(deps) };
    if (input.face !== undefined) entry['4'] = input.face;
    const dest = input.destination === undefined || input.destination === 'pool' ? poolName : input.destination;
    if (dest !== poolName && (await loadBlock(deps, origin, dest)) === null) {
      await post(deps, origin, dest, { content: { _: `Committed entries from ${poolName} (block-conventions:4.2).` }, confirm: true });
    }
    const body: Record<string, unknown> = { append: true, content: entry };
    if (input.secret !== undefined) body['secret'] = input.secret;
    if (input.resolves_window !== undefined) body['resolve_window'] = input.resolves_window;
    const answer = await post(deps, origin, dest, body);
    if (!okAnswer(answer)) {
      const ack = isBlock(answer.body) ? answer.body : {};
      if (ack['code'] === 'window_already_resolved') {
        const who = typeof ack['resolved_by'] === 'string' ? ack['resolved_by'] : 'another player';
        return `window already resolved by ${who} — stand down: do NOT write a second outcome. Re-read the pool since your marker and perceive the resolution that now exists.`;
      }
      return `Pool commit rejected by beach: ${beachErrorText(answer)}`;
    }
    const ack = isBlock(answer.body) ? answer.body : {};
    header.push(`committed: slot ${String(ack['slot'])} → ${dest === poolName ? 'the pool' : dest}${ack['supernested'] === true ? ' (floor grew — supernested)' : ''}`);
    if (dest === poolName && input.resolves_window === undefined) {
      const liquid = await loadBlock(deps, origin, liquidName);
      const mine = liquidSlots(liquid).find((s) => s.agent === input.agent_id && s.text !== '');
      if (mine) await post(deps, origin, liquidName, { spindle: mine.slot, content: { _: '', 1: input.agent_id, 2: '', 3: nowIso(deps) }, pscale_attention: -1, ...(input.secret === undefined ? {} : { secret: input.secret }) });
    }
    if (dest === poolName) pool = (await loadBlock(deps, origin, poolName)) ?? pool;
  }

  const since = input.since_position ?? 0;
  const { items, more } = collectContributions(pool, since);
  const markerNew = items.length > 0 ? Number(items[items.length - 1]!.position) : since;
  const out = [`${poolName} @ ${origin}`, ''];
  if (header.length > 0) out.push(...header, '');
  const directiveBody = directive ? await directiveText(deps, origin, purpose) : null;
  if (directiveBody !== null) {
    out.push('# Operating directive — the room\'s rules, authored by the designer; READ AND FOLLOW THIS EVERY TURN, do not merely acknowledge it', directiveBody, '');
  } else {
    out.push('# Purpose', purpose ?? '(no purpose set)', '');
  }
  if (purpose === null || purpose.trim() === '') out.push('# Synthesis hint', DEFAULT_HINT, '');
  if (withLiquid) {
    const liquid = await loadBlock(deps, origin, liquidName);
    const slots = liquidSlots(liquid);
    const authors = new Set(slots.filter((s) => s.text !== '' && s.agent !== null).map((s) => s.agent));
    out.push(`# Liquid — pending, not yet committed (${authors.size} ${authors.size === 1 ? 'author' : 'authors'})`);
    if (slots.every((s) => s.text === '')) out.push('(no pending intentions)');
    for (const s of slots) out.push(`- ${s.agent ?? '(anon)'}${s.agent === input.agent_id ? ' (you)' : ''} ${s.ts ?? ''}: ${s.text === '' ? '(empty)' : s.text}`);
    out.push('');
    const opened = windowOpenTs(liquid);
    const live = slots.filter((s) => s.text !== '' && s.agent !== null);
    if (live.length > 0) {
      const seed = `${poolName}:window:${opened ?? live.map((s) => s.ts ?? '').sort()[0]}`;
      out.push('# Window dice (for the resolver — exploding-d10 luck PER ACTOR, rules:nomad:2)');
      for (const agent of new Set(live.map((s) => s.agent!))) {
        const l = deterministicLuck(`${seed}:${agent}`);
        out.push(`- ${agent}: positive ${l.positive}, negative ${l.negative}, luck ${l.luck > 0 ? `+${l.luck}` : l.luck}`);
      }
      out.push("Each actor's luck is fixed for this window — revising or withdrawing does not reroll it.");
      if (opened !== null) out.push(`window opened ${opened} — the stamp does not move; closed once the room's duration has passed.`);
      out.push('');
    }
  }
  out.push(`# Contributions since position ${since} (count: ${items.length}${more ? ', more available' : ''})`);
  if (items.length === 0) out.push('(nothing new)');
  for (const c of items) out.push(`## slot ${c.position} — ${c.agent_id ?? '(anon)'}${c.face ? ` [${c.face}]` : ''} ${c.ts ?? ''}`.trimEnd(), c.text === '' ? '(empty)' : c.text, '');
  out.push('# Marker', `previous: ${since}`, `new:      ${markerNew}`, '(store marker_new and pass it back as since_position on the next call)');
  return out.join('\n');
}

export { bspRead, formatRead };
