// Worlds (bsp-beach §6.5): one deployment serves many fully isolated beaches. A request names its
// world by path (`/w/<label>/.well-known/pscale-beach` or `?world=<label>`) or by Host
// (`<sub>.<public host>`); the world's origin salts ordinary locks and its key scopes storage.

/** A DNS label, the only legal world name (§6.3). */
export const WORLD_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** The longest subdomain part accepted (a host name is at most 253 characters). */
const MAX_SUBDOMAIN = 200;

export type World =
  | { kind: 'base' }
  /** `<base>/w/<label>` */
  | { kind: 'path'; label: string }
  /** `<sub>.<base>`; `sub` is one or more dot-separated labels. */
  | { kind: 'subdomain'; sub: string };

export const BASE_WORLD: World = { kind: 'base' };

/** The world's origin without scheme: the ordinary-lock salt and the index's `origin` (§4.3). */
export function worldOrigin(world: World, base: string): string {
  if (world.kind === 'path') return `${base}/w/${world.label}`;
  if (world.kind === 'subdomain') return `${world.sub}.${base}`;
  return base;
}

/**
 * What scopes a world's storage: '' for the base beach (its names are stored as they are), else a
 * key no other world shares. It does not contain the public URL, so it survives a change of it
 * (the locks, salted by the origin, do not, as on the base beach).
 */
export function worldKey(world: World): string {
  if (world.kind === 'path') return `w/${world.label}`;
  if (world.kind === 'subdomain') return world.sub;
  return '';
}

/** A label from a request: trimmed and lowercased; null when it is not a DNS label. */
export function worldLabel(raw: string): string | null {
  const label = raw.trim().toLowerCase();
  return WORLD_LABEL.test(label) ? label : null;
}

/** A subdomain part: every dot-separated piece a DNS label; null otherwise. */
export function subdomainOf(sub: string): string | null {
  if (sub.length === 0 || sub.length > MAX_SUBDOMAIN) return null;
  return sub.split('.').every((label) => WORLD_LABEL.test(label)) ? sub : null;
}

/** The host name of an origin `host[:port]` (IPv6 brackets kept), lowercased. */
export function hostnameOf(origin: string): string {
  const h = origin.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d*$/, '');
}

export interface WorldRequest {
  /** The label of a `/w/<label>/` route, as decoded by the router. */
  pathLabel?: string | undefined;
  /** The first `world` query value. */
  query?: string | undefined;
  /** The Host header. */
  host?: string | undefined;
}

export type WorldChoice = { world: World } | { refused: string };

/**
 * §6.5 per request: a path world (the route, else a non-empty `?world=`) first, then the Host: the
 * base host or none ⇒ the base beach; `<sub>.<base host>` ⇒ a subdomain world; any other host
 * (another name, an IP) ⇒ the base beach. A world named but not a DNS label is refused rather than
 * served as the base beach (a write meant for a world must not land on the apex).
 */
export function chooseWorld(request: WorldRequest, base: string): WorldChoice {
  const named = request.pathLabel ?? (request.query !== undefined && request.query.trim() !== '' ? request.query : undefined);
  if (named !== undefined) {
    const label = worldLabel(named);
    if (label === null) return { refused: `"${named.slice(0, 80)}" is not a world name: a world is a DNS label (a–z, 0–9 and inner hyphens, at most 64 characters)` };
    return { world: { kind: 'path', label } };
  }
  const host = hostnameOf((request.host ?? '').trim());
  const baseHost = hostnameOf(base);
  if (host === '' || host === baseHost || !host.endsWith(`.${baseHost}`)) return { world: BASE_WORLD };
  const sub = subdomainOf(host.slice(0, -(baseHost.length + 1)));
  if (sub === null) return { refused: `"${host.slice(0, 120)}" does not name a world: each part of a world's subdomain is a DNS label` };
  return { world: { kind: 'subdomain', sub } };
}
