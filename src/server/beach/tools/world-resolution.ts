// Which beach a world name means (bsp-beach §6.5, "worlds as addressed by tools"): a URL is itself;
// a bare name is looked up in the default beach's `worlds` directory, else the path world
// `<default>/w/<name>` when its index lists a block, else the sub-beach `<name>.beach.<base host>`.
import { isBeachUrl, canonicaliseOrigin } from '../federation/origin.js';
import { worldLabel } from '../world.js';
import { isBlock, loadBlock, type BeachToolDeps } from './context.js';

/** The beach URL a world name resolves to (not yet probed); null when the name is no world name. */
export async function worldUrl(deps: BeachToolDeps, world: string): Promise<string | null> {
  if (isBeachUrl(world)) return world;
  const name = worldLabel(world);
  if (name === null) return null;
  const base = canonicaliseOrigin(deps.defaultBeach()) ?? deps.defaultBeach();
  return (await fromDirectory(deps, base, name)) ?? (await pathWorld(deps, base, name)) ?? subBeach(base, name);
}

/** The sub-beach convention: `<name>.beach.<host>`, the default beach's host without a leading `beach.`. */
export function subBeach(base: string, name: string): string {
  const url = new URL(base);
  return `${url.protocol}//${name}.beach.${url.host.replace(/^beach\./, '')}`;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : isBlock(v) && typeof v['_'] === 'string' ? v['_'] : null);

/**
 * The `worlds` directory: each digit a row whose name is field 1 (or its underscore) and whose route
 * is field 2 — a full URL, a `/path` on the default beach, or a host.
 */
async function fromDirectory(deps: BeachToolDeps, base: string, name: string): Promise<string | null> {
  const directory = await loadBlock(deps, base, 'worlds').catch(() => null);
  if (directory === null) return null;
  for (const digit of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
    const row = directory[digit];
    if (!isBlock(row)) continue;
    const rowName = text(row['1']) ?? text(row['_']);
    const route = text(row['2'])?.trim();
    if (rowName?.trim().toLowerCase() !== name || !route) continue;
    const url = isBeachUrl(route) ? route : route.startsWith('/') ? `${base}${route}` : `${new URL(base).protocol}//${route}`;
    return canonicaliseOrigin(url);
  }
  return null;
}

async function pathWorld(deps: BeachToolDeps, base: string, name: string): Promise<string | null> {
  const url = `${base}/w/${name}`;
  const index = await deps.beaches.get(url, {}).catch(() => null);
  const blocks = index?.status === 200 && isBlock(index.body) ? index.body['blocks'] : null;
  return Array.isArray(blocks) && blocks.length > 0 ? url : null;
}
