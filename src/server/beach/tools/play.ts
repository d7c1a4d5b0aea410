// pscale_play (bsp-beach §7.6, seed behaviour, read-only): inhabit a handle in a world in one call.
import { bspRead, formatRead } from '../../../beach/index.js';
import { beachErrorText } from '../federation/beaches.js';
import { SENTINEL_BLOCKS } from '../sentinel/index.js';
import { isBlock, loadBlock, type BeachToolDeps } from './context.js';
import { poolEngage } from './pool.js';
import { worldUrl } from './world-resolution.js';

export interface PlayInput {
  world: string;
  handle: string;
  secret?: string | undefined;
  room?: string | undefined;
}

const locationOf = (passport: Record<string, unknown> | null): string | null => {
  const posture = passport?.['3'];
  const text = typeof posture === 'string' ? posture : isBlock(posture) && typeof posture['_'] === 'string' ? posture['_'] : '';
  const m = /spatial:[^:\s]+:(\d+)/.exec(text);
  return m ? m[1]! : null;
};

export async function play(deps: BeachToolDeps, input: PlayInput): Promise<string> {
  const url = await worldUrl(deps, input.world);
  const origin = url === null ? null : await deps.beaches.resolve(url);
  if (origin === null) {
    return `No world at "${input.world}" (resolved to ${url ?? 'nothing'}) — it is not a federated beach. Check the world name, or pass a full beach URL.`;
  }
  const h = input.handle;
  const own: Array<[string, unknown]> = [];
  for (const name of ['passport', 'witnessed', 'knows', 'shell', 'history']) {
    const block = await loadBlock(deps, origin, `${name}:${h}`);
    if (block !== null) own.push([`${name}:${h}`, block]);
  }
  const has = (n: string) => own.some(([name]) => name === `${n}:${h}`);
  if (!has('passport') && !has('witnessed') && !has('shell')) {
    const local = await loadBlock(deps, origin, 'char-creation');
    const creation = local ?? SENTINEL_BLOCKS['char-creation'] ?? null;
    return [
      `# ${h} is NEW at ${input.world} — GENESIS comes before play`,
      `World beach: ${origin}`,
      `PIN THIS BEACH. Every further call targets ${origin}.`,
      '',
      `Walk creation with the player: write passport:${h} (who they are at _, what they offer at 1, what they need at 2) with bsp(agent_id="${origin}", block="passport:${h}", content={…}, new_lock=<their passphrase>), then call pscale_play again to enter.`,
      '',
      creation === null ? '(This world has no creation directive; a passport with an underscore is enough.)' : formatRead(bspRead(creation, null, 0)),
    ].join('\n');
  }
  const passport = (own.find(([n]) => n === `passport:${h}`)?.[1] ?? null) as Record<string, unknown> | null;
  const location = locationOf(passport);
  let room = input.room;
  if (room === undefined) {
    const index = await deps.beaches.get(origin, {});
    if (index.status !== 200) return `World ${origin} could not be listed: ${beachErrorText(index)}`;
    const names = isBlock(index.body) && Array.isArray(index.body['blocks']) ? index.body['blocks'].filter((n): n is string => typeof n === 'string') : [];
    const pools = names.filter((n) => n.startsWith('pool:')).map((n) => n.slice('pool:'.length));
    if (location !== null && pools.includes(location)) room = location;
    else if (pools.length === 1) room = pools[0]!;
    else if (pools.length === 0) return `World ${origin} has no room yet — an author must open one (pscale_pool_engage with purpose=...).`;
    else if (location !== null) return `World ${origin} has several rooms but none open at your location (pool:${location}). Rooms: ${pools.join(', ')}. Pass room=<name> to choose.`;
    else return `World ${origin} has several rooms: ${pools.join(', ')}. Pass room=<name> to choose.`;
  }
  const envelope = await poolEngage(deps, { pool_url: origin, pool_name: room, agent_id: h, since_position: 0, with_liquid: true });
  const cast: string[] = [];
  if (location !== null) {
    const index = await deps.beaches.get(origin, {});
    const names = isBlock(index.body) && Array.isArray(index.body['blocks']) ? index.body['blocks'].filter((n): n is string => typeof n === 'string') : [];
    for (const name of names.filter((n) => n.startsWith('passport:') && n !== `passport:${h}`).slice(0, 50)) {
      const other = await loadBlock(deps, origin, name);
      if (locationOf(other) !== location) continue;
      const who = name.slice('passport:'.length);
      const posture = other?.['3'];
      const text = typeof posture === 'string' ? posture : isBlock(posture) && typeof posture['_'] === 'string' ? posture['_'] : '';
      const appearance = text.split('Location:')[0]!.trim().split(who).join('a figure').split(who.charAt(0).toUpperCase() + who.slice(1)).join('A figure');
      cast.push(`— ${appearance || 'a figure here'}`);
    }
  }
  const kind = has('witnessed') || has('passport') ? 'character' : has('shell') ? 'user / agent (shell-based)' : 'fresh handle (no blocks yet)';
  const out = [`# You are now playing ${h} in ${input.world}`, `World beach: ${origin}  ·  handle kind: ${kind}`];
  if (location !== null) out.push(`POSITION (substrate truth): spatial:…:${location} — where the world places you.`);
  out.push(`PIN THIS BEACH. Every further call targets ${origin} — do not drift to another beach or world.`, '', 'Follow the operating directive below every turn. Render only what the reads return.', '');
  out.push('═══════════ THE ROOM — operating directive + live scene ═══════════', envelope);
  if (cast.length > 0) out.push('═══════════ WHO IS HERE — co-present at your position ═══════════', ...cast);
  out.push(`═══════════ YOUR OWN CONTEXT (${h}) ═══════════`);
  if (own.length === 0) out.push(`(No blocks for ${h} on this world yet — you are fresh here.)`);
  for (const [name, block] of own) out.push(`── ${name} ──`, JSON.stringify(block, null, 1));
  return out.join('\n');
}
