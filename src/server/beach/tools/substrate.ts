// The substrate tools: pscale_grain_reach (§7.3), pscale_register (§7.8), pscale_key_publish (§7.5).
import { createHash } from 'node:crypto';
import { publicKeysOf, publishedKeysNode, readPublishedKeys, signRotation, verifyRotation } from '../../../beach/gray/index.js';
import { beachErrorText } from '../federation/beaches.js';
import { isBeachUrl } from '../federation/origin.js';
import { ToolRefusal, derivation, isBlock, loadBlock, noBeach, okAnswer, post, resolveOrRefuse, type BeachToolDeps } from './context.js';

const CONVENTIONS_HINT = '[hint] Substrate-wide conventions at bsp(agent_id="pscale", block="block-conventions").';

/** pair_id: the first 16 hex of sha256 of the two handles sorted (UTF-16 order, case-sensitive) and joined by "|". */
export const pairId = (a: string, b: string): string =>
  createHash('sha256')
    .update([a, b].sort().join('|'), 'utf8')
    .digest('hex')
    .slice(0, 16);

/** Side "1" for the lex-smaller handle, "2" for the other: always a string. */
export const sideOf = (handle: string, partner: string): '1' | '2' => ([handle, partner].sort()[0] === handle ? '1' : '2');

function beachUrl(deps: BeachToolDeps, agentId: string | undefined): string {
  const url = agentId ?? deps.defaultBeach();
  if (!isBeachUrl(url)) {
    throw new ToolRefusal(`agent_id must be an http(s):// URL (got "${url}"). Pass a federated beach URL or omit to use the default (${deps.defaultBeach()}).`);
  }
  return url;
}

const PRESENCE_PREFIXES = ['passport:', 'shell:', 'history:', 'pool:', 'stash:', 'state-of-play:'];

/** HEAD casing guard: a handle spelled differently from one present at the beach is refused. */
async function casingGuard(deps: BeachToolDeps, origin: string, labelled: Array<[string, string]>): Promise<string | null> {
  let names: string[] = [];
  try {
    const index = await deps.beaches.get(origin, {});
    const body = index.body;
    if (index.status === 200 && isBlock(body) && Array.isArray(body['blocks'])) names = body['blocks'].filter((n): n is string => typeof n === 'string');
  } catch {
    return null;
  }
  for (const [label, given] of labelled) {
    const spellings = new Set<string>();
    for (const name of names) {
      const prefix = PRESENCE_PREFIXES.find((p) => name.startsWith(p));
      if (prefix === undefined) continue;
      const suffix = name.slice(prefix.length);
      if (suffix.toLowerCase() === given.toLowerCase()) spellings.add(suffix);
    }
    if (spellings.size > 0 && !spellings.has(given)) {
      const found = [...spellings][0]!;
      return `Reach refused — ${label}="${given}" has no presence at ${origin}, but "${found}" does. Handles are case-sensitive and the grain's pair_id depends on the exact spelling; use "${found}" if that is who you mean. Nothing was written.`;
    }
  }
  return null;
}

export interface GrainReachInput {
  handle: string;
  partner_handle: string;
  description: string;
  my_side_content: string;
  my_passphrase: string;
  agent_id?: string | undefined;
  verify_only?: boolean | undefined;
}

export async function grainReach(deps: BeachToolDeps, input: GrainReachInput): Promise<string> {
  if (!input.handle || !input.partner_handle) return 'handle and partner_handle are required.';
  if (input.handle === input.partner_handle) return 'Cannot form a grain with yourself.';
  const url = beachUrl(deps, input.agent_id);
  const pid = pairId(input.handle, input.partner_handle);
  const side = sideOf(input.handle, input.partner_handle);
  const other = side === '1' ? '2' : '1';
  const origin = await deps.beaches.resolve(url);
  if (origin === null) return `Federated grain reach failed: ${noBeach(url)}`;
  const guard = await casingGuard(deps, origin, [
    ['partner_handle', input.partner_handle],
    ['handle', input.handle],
  ]);
  if (guard !== null) return guard;
  const lines = (o: string) => [
    `pair_id:        grain:${pid} on ${o}`,
    `your side:      grain:${pid}:${side}@${o}`,
    `partner side:   grain:${pid}:${other}@${o}`,
  ];
  if (input.verify_only === true) {
    const grain = await loadBlock(deps, origin, `grain:${pid}`);
    const nine = grain !== null && isBlock(grain['9']) ? grain['9'] : {};
    const mine = typeof nine[side] === 'string';
    const theirs = typeof nine[other] === 'string';
    const [head, state] =
      grain === null
        ? ['Would establish a new grain at the federated host.', 'new']
        : !mine && theirs
          ? ["Would complete the grain (the partner's side is present, yours is not).", 'half-formed → completed']
          : mine && !theirs
            ? 'Your side exists; the partner has not reached yet. A call would rewrite your side (it needs your passphrase).|your side exists, partner not yet'.split('|')
            : ['Both sides are written; a call would rewrite your side (it needs your passphrase).', 'both written'];
    return [`[verify_only] ${head}`, '', ...lines(origin), `state:          ${state}`, '', 'Nothing was written. The passphrase cannot be checked remotely: the beach verifies it only on a real call.'].join('\n');
  }
  const answer = await post(deps, origin, `grain:${pid}`, {
    action: 'reach',
    side,
    agent_id: input.handle,
    partner_agent_id: input.partner_handle,
    description: input.description,
    my_side_content: input.my_side_content,
    my_passphrase: input.my_passphrase,
  });
  if (!okAnswer(answer)) return `Federated grain reach rejected: ${beachErrorText(answer)}`;
  const state = isBlock(answer.body) ? answer.body['state'] : undefined;
  if (state === 'completed') {
    return [
      'Grain completed (both sides written and locked at the federated grain).',
      '',
      ...lines(origin),
      '',
      `Read your partner's side: bsp(agent_id="${origin}", block="grain:${pid}", spindle="${other}")`,
      '',
      CONVENTIONS_HINT,
    ].join('\n');
  }
  if (state === 'updated') return ['Own-side rewrite at the federated grain.', '', ...lines(origin), '', CONVENTIONS_HINT].join('\n');
  return [
    'Grain reached (awaiting partner acceptance at the federated grain).',
    '',
    ...lines(origin),
    '',
    `The reach hint for your partner is at bsp(agent_id="${origin}", block="grain:${pid}", spindle="8"); they complete it by calling pscale_grain_reach with the handles swapped.`,
    '',
    CONVENTIONS_HINT,
  ].join('\n');
}

export interface RegisterInput {
  collective: string;
  declaration: string;
  passphrase: string;
  shell_ref?: string | undefined;
  agent_id?: string | undefined;
}

export async function register(deps: BeachToolDeps, input: RegisterInput, verb: 'Registered' | 'Settled' = 'Registered'): Promise<string> {
  const url = beachUrl(deps, input.agent_id);
  const origin = await deps.beaches.resolve(url);
  if (origin === null) return `Federated registration failed: ${noBeach(url)}`;
  const body: Record<string, unknown> = { action: 'register', declaration: input.declaration, passphrase: input.passphrase };
  if (input.shell_ref !== undefined) body['shell_ref'] = input.shell_ref;
  const answer = await post(deps, origin, `sed:${input.collective}`, body);
  if (!okAnswer(answer)) return `Federated registration rejected: ${beachErrorText(answer)}`;
  const pos = isBlock(answer.body) ? String(answer.body['position']) : '?';
  const c = input.collective;
  return [
    `${verb} at sed:${c}:${pos} on ${origin}.`,
    '',
    `Site-hosted sed: collective. Position assigned by ${origin}'s handler in landing order. Your position is write-locked with your passphrase. Subsequent writes via bsp(agent_id="${origin}", block="sed:${c}", spindle="${pos}", ..., secret=...) require the same passphrase.`,
    '',
    `To found a collective with custom conventions + an admin lock before anyone registers, no tool is needed — write the root directly: bsp(agent_id="sed:${c}", content={_: "<conventions>"}, new_lock="<admin-passphrase>") (block-conventions:7.2).`,
    '',
    CONVENTIONS_HINT,
  ].join('\n');
}

export interface KeyPublishInput {
  handle: string;
  secret: string;
  enc_secret?: string | undefined;
  prior_secret?: string | undefined;
  signature?: string | undefined;
  agent_id?: string | undefined;
}

export async function keyPublish(deps: BeachToolDeps, input: KeyPublishInput): Promise<string> {
  const url = beachUrl(deps, input.agent_id);
  const origin = await resolveOrRefuse(deps, url, noBeach);
  const derive = derivation(deps);
  const next = publicKeysOf(await derive(input.enc_secret ?? input.secret, input.handle));
  const block = `passport:${input.handle}`;
  const passport = await loadBlock(deps, origin, block);
  if (passport === null) return `No passport at (agent_id="${url}", block="${block}"). Create one first via bsp() with that block name.`;
  const existing = readPublishedKeys(passport['9']);
  let rotated = false;
  if (existing !== null) {
    if (existing.x25519 === next.x25519 && existing.ed25519 === next.ed25519) {
      return `Keys verified. Your secret derives the same keypair. Ready to send and open grays.\n\nx25519: ${next.x25519}\ned25519: ${next.ed25519}`;
    }
    if (input.prior_secret !== undefined) {
      const prior = await derivation(deps)(input.prior_secret, input.handle);
      if (publicKeysOf(prior).ed25519 !== existing.ed25519) return 'Rotation rejected: prior_secret does not derive the currently published Ed25519 key.';
      if (!verifyRotation(existing.ed25519, input.handle, next, signRotation(prior, input.handle, next))) return 'Rotation rejected: the rotation signature did not verify.';
    } else if (input.signature !== undefined) {
      if (!verifyRotation(existing.ed25519, input.handle, next, input.signature)) return 'Rotation rejected: Signature did not verify against the currently published Ed25519 key.';
    } else {
      return 'Rotation rejected: Key rotation requires prior_secret OR signature (Ed25519 over "pscale_key_rotation:{handle}:{new_x25519_b64}:{new_ed25519_b64}", base64).';
    }
    rotated = true;
  }
  const answer = await post(deps, origin, block, { spindle: '9', content: publishedKeysNode(next), secret: input.secret });
  if (!okAnswer(answer)) throw new Error(`Beach save rejected: ${beachErrorText(answer)}`);
  return [
    rotated ? 'Keys rotated at passport position 9.' : 'Keys published at passport position 9.',
    '',
    `handle:    ${input.handle}`,
    `beach:     ${origin}`,
    `block:     ${block}`,
    `x25519:    ${next.x25519}`,
    `ed25519:   ${next.ed25519}`,
    '',
    'Secret discarded. Re-derive with the same secret on every use.',
  ].join('\n');
}
