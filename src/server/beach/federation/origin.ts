// agent_id dispatch and origins (bsp-beach §6.1, §6.3): which store and block name a call addresses.

export const SENTINEL = 'pscale';

export const isBeachUrl = (value: string): boolean => /^https?:\/\//i.test(value);

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * `canonicaliseOrigin`: lowercase scheme and host, default ports dropped, query and fragment dropped,
 * the path dropped unless it is exactly one world route `/w/<label>`. Null when not an http(s) URL.
 */
export function canonicaliseOrigin(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  const base = `${url.protocol}//${url.host}`; // URL already lowercases and drops default ports
  const world = /^\/w\/([^/]+)\/?$/.exec(url.pathname);
  if (world) {
    const label = decodeURIComponent(world[1]!).toLowerCase();
    if (LABEL.test(label)) return `${base}/w/${label}`;
  }
  return base;
}

export type Target =
  | { kind: 'sentinel'; block: string }
  /** `url` is the beach as the caller named it (canonical); `defaulted` when the default beach was used. */
  | { kind: 'beach'; url: string; block: string; defaulted: boolean };

/** §6.1: URL → that beach; "pscale" → the sentinel; sed:/grain: → the default beach, block = agent_id; bare → `<block>:<handle>`. */
export function translateAddress(agentId: string, block: string, defaultBeach: string): Target {
  if (isBeachUrl(agentId)) return { kind: 'beach', url: canonicaliseOrigin(agentId) ?? agentId, block, defaulted: false };
  if (agentId === SENTINEL) return { kind: 'sentinel', block };
  if (agentId.startsWith('sed:') || agentId.startsWith('grain:')) return { kind: 'beach', url: defaultBeach, block: agentId, defaulted: true };
  const name = block === agentId || block.endsWith(`:${agentId}`) ? block : `${block}:${agentId}`;
  return { kind: 'beach', url: defaultBeach, block: name, defaulted: true };
}

/** The beach endpoint of an origin, with the query in the order the reference's clients send it. */
export function endpoint(origin: string, query: { block?: string; spindle?: string; pscale?: number } = {}): string {
  const params = new URLSearchParams();
  if (query.block !== undefined && query.block !== '') params.set('block', query.block);
  if (query.spindle !== undefined && query.spindle !== '') params.set('spindle', query.spindle);
  if (query.pscale !== undefined) params.set('pscale', String(query.pscale));
  const qs = params.toString();
  return `${origin.replace(/\/+$/, '')}/.well-known/pscale-beach${qs === '' ? '' : `?${qs}`}`;
}
