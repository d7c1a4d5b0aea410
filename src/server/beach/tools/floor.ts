// bsp-floor (bsp-beach §7.2, §2.8): lay blocks against the common floor plane and align them by
// pscale (floor − walk depth), never by walk depth.
import { digitChildren, floorDepth, formatAddress, semantic, type Block } from '../../../beach/index.js';
import { SENTINEL_BLOCKS } from '../sentinel/index.js';
import { SENTINEL, translateAddress } from '../federation/origin.js';
import { isBlock, loadBlock, type BeachToolDeps } from './context.js';

export interface FloorNode {
  pscale: number;
  address: string;
  walk: string;
  text: string;
}

/** Every node of a block indexed by pscale: the root's semantic at 0, then digit children (not rung children). */
export function indexByPscale(block: Block): FloorNode[] {
  const floor = floorDepth(block);
  const out: FloorNode[] = [];
  const root = semantic(block);
  if (root !== null) out.push({ pscale: 0, address: '0', walk: '0', text: root });
  const stack: Array<[unknown, number[]]> = [[block, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    const children = digitChildren(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i]!;
      const walk = [...path, Number(key)];
      const text = semantic(child);
      if (text !== null) out.push({ pscale: floor - walk.length, address: formatAddress(walk, floor), walk: walk.join(','), text });
      if (walk.length < 64) stack.push([child, walk]);
    }
  }
  return out.sort((a, b) => b.pscale - a.pscale || (a.walk < b.walk ? -1 : a.walk > b.walk ? 1 : 0));
}

/** The per-block nodes at one pscale level. */
export const floorPlane = (blocks: Block[], pscale: number): FloorNode[][] => blocks.map((b) => indexByPscale(b).filter((n) => n.pscale === pscale));

const cut = (t: string) => (t.length > 140 ? `${t.slice(0, 140)}...` : t);

export interface FloorInput {
  targets: Array<{ agent_id: string; block: string }>;
  pscale_attention?: number | null | undefined;
}

export async function bspFloor(deps: BeachToolDeps, input: FloorInput): Promise<string> {
  const loaded: Array<{ label: string; block: Block }> = [];
  const missing: string[] = [];
  for (const t of input.targets) {
    const label = `${t.agent_id}/${t.block}`;
    const target = translateAddress(t.agent_id, t.block, deps.defaultBeach());
    let block: Block | null = null;
    let resolved = '';
    try {
      if (target.kind === 'sentinel') block = Object.prototype.hasOwnProperty.call(SENTINEL_BLOCKS, target.block) ? SENTINEL_BLOCKS[target.block]! : null;
      else {
        const origin = await deps.beaches.resolve(target.url);
        resolved = `${origin ?? target.url}/${target.block}`;
        if (origin !== null && target.block !== '') block = await loadBlock(deps, origin, target.block);
      }
    } catch {
      block = null;
    }
    if (block !== null && isBlock(block)) loaded.push({ label, block });
    else missing.push(`  - ${label}${resolved && resolved !== label ? ` (→ ${resolved})` : ''}`);
  }
  if (loaded.length < 2) {
    return `bsp-floor needs at least two loadable blocks to lay against the floor; ${loaded.length} loaded. Not found:\n${missing.join('\n')}`;
  }
  const indexed = loaded.map((l) => ({ ...l, floor: floorDepth(l.block), nodes: indexByPscale(l.block) }));
  let levels = [...new Set(indexed.flatMap((i) => i.nodes.map((n) => n.pscale)))].sort((a, b) => b - a);
  const P = input.pscale_attention;
  if (P !== undefined && P !== null) levels = levels.filter((l) => l === P);
  const lines = [`[floor-align of ${indexed.length} blocks]`, ...indexed.map((i) => `  ${i.label}  (floor ${i.floor})`)];
  if (P !== undefined && P !== null) lines.push(`  (restricted to pscale ${P})`);
  lines.push('');
  if (levels.length === 0) lines.push('(no shared positions)');
  for (const level of levels) {
    const name = level > 0 ? `pscale +${level} (above floor — coarser):` : level === 0 ? 'pscale 0 (floor plane):' : `pscale ${level} (below floor — finer):`;
    lines.push(name);
    for (const i of indexed) {
      const nodes = i.nodes.filter((n) => n.pscale === level);
      if (nodes.length === 0) lines.push(`  ${i.label}: (none — zero-padded)`);
      nodes.forEach((n, k) => lines.push(`  ${k === 0 ? `${i.label}:` : ' '.repeat(i.label.length + 1)} [${n.address}] ${cut(n.text)}`));
    }
  }
  if (missing.length > 0) lines.push('', `(skipped ${missing.length} not-found target(s):\n${missing.join('\n')}\n aligned the ${indexed.length} that loaded.)`);
  return lines.join('\n');
}

export { SENTINEL };
