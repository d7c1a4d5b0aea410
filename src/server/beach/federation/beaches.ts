// Reaching beaches (bsp-beach §6.4, §8): our own beach is called directly (no HTTP, no probe);
// any other goes over the injected `BeachFetch` with a timeout and a size cap, and is probed once
// (`<origin>` then `beach.<host>`) before use. Answers come back as {status, body} either way.
import { MAX_CONTENT_DEPTH } from '../../../beach/index.js';
import type { BeachService } from '../beach-service.js';
import { BASE_WORLD, hostnameOf, subdomainOf, type World } from '../world.js';
import { canonicaliseOrigin, endpoint } from './origin.js';
import { FederationError, type BeachFetch } from './ssrf.js';

export interface BeachAnswer {
  status: number;
  body: unknown;
}

export interface BeachesDeps {
  /** This server's beach, reached without HTTP. */
  local: BeachService;
  /** This server's public URL (scheme, host, port): a beach URL equal to it is local. */
  ownUrl: () => string;
  fetch: BeachFetch;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Runs before every request to another beach (the caller's fetch budget); it throws to refuse. */
  beforeFetch?: () => Promise<void>;
}

export interface ReadQuery {
  block?: string;
  spindle?: string;
  pscale?: number;
}

/** JSON nested deeper than any legal block (the shape gate's cap plus the envelope): refused, so walkers stay bounded. */
const MAX_REMOTE_DEPTH = MAX_CONTENT_DEPTH + 8;

function tooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_REMOTE_DEPTH) return true;
    if (typeof v === 'object' && v !== null) for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** Resolved origins kept (oldest dropped first). */
const MAX_RESOLVED = 1000;

export class Beaches {
  private readonly resolved = new Map<string, string>();

  constructor(private readonly deps: BeachesDeps) {}

  /** The canonical form of this server's own beach URL. */
  get own(): string {
    return canonicaliseOrigin(this.deps.ownUrl()) ?? this.deps.ownUrl();
  }

  isLocal(origin: string): boolean {
    return this.localWorld(origin) !== null;
  }

  /**
   * The world of this server a beach URL names (§6.5), or null for another beach: our own URL is
   * the base beach, `<own>/w/<label>` a path world, `<sub>.<own host>` (same scheme and port) a
   * subdomain world; a `/w/<label>` path wins over the host, as it does on the wire.
   */
  localWorld(origin: string): World | null {
    const c = canonicaliseOrigin(origin);
    if (c === null) return null;
    const url = new URL(c);
    const own = new URL(this.own);
    const label = /^\/w\/([^/]+)$/.exec(url.pathname)?.[1];
    const path: World | null = label === undefined ? null : { kind: 'path', label };
    if (url.host === own.host && url.protocol === own.protocol) return path ?? BASE_WORLD;
    const ownHost = hostnameOf(own.host);
    if (url.protocol !== own.protocol || url.port !== own.port || !url.hostname.endsWith(`.${ownHost}`)) return null;
    const sub = subdomainOf(url.hostname.slice(0, -(ownHost.length + 1)));
    if (sub === null) return null;
    return path ?? { kind: 'subdomain', sub };
  }

  /**
   * `resolveFederationOrigin`: the canonical origin if it answers as a beach, else `beach.<host>` if
   * that does; null when neither does. Positive answers are cached; our own origin needs no probe.
   */
  async resolve(url: string): Promise<string | null> {
    const c = canonicaliseOrigin(url);
    if (c === null) return null;
    if (this.isLocal(c)) return c;
    const cached = this.resolved.get(c);
    if (cached !== undefined) return cached;
    const candidates = [c];
    const u = new URL(c);
    if (!u.hostname.startsWith('beach.') && u.hostname !== 'localhost' && !/^\d+\.\d+\.\d+\.\d+$/.test(u.hostname) && !u.hostname.includes(':') && !u.hostname.startsWith('[')) {
      candidates.push(`${u.protocol}//beach.${u.host}${u.pathname === '/' ? '' : u.pathname}`);
    }
    for (const candidate of candidates) {
      if (this.isLocal(candidate)) return candidate;
      try {
        const answer = await this.remote(candidate, 'GET', {});
        if (answer.status >= 200 && answer.status < 300) {
          // Bounded: callers choose the URLs, so the cache must not grow with them.
          if (this.resolved.size >= MAX_RESOLVED) this.resolved.delete(this.resolved.keys().next().value!);
          this.resolved.set(c, candidate);
          return candidate;
        }
      } catch (error) {
        // A policy refusal is an answer, not "no beach": the caller should see why.
        if (error instanceof FederationError && error.reason === 'refused') throw error;
      }
    }
    return null;
  }

  async get(origin: string, query: ReadQuery): Promise<BeachAnswer> {
    const world = this.localWorld(origin);
    if (world !== null) {
      const local = this.deps.local;
      if (query.block === undefined || query.block === '') return local.index(world);
      return local.read(query.block, query.spindle ?? null, query.pscale === undefined ? null : String(query.pscale), world);
    }
    return this.remote(origin, 'GET', query);
  }

  async post(origin: string, block: string, body: Record<string, unknown>): Promise<BeachAnswer> {
    const world = this.localWorld(origin);
    if (world !== null) return this.deps.local.post(block, structuredClone(body), world);
    return this.remote(origin, 'POST', { block }, JSON.stringify(body));
  }

  private async remote(origin: string, method: 'GET' | 'POST', query: ReadQuery, body?: string): Promise<BeachAnswer> {
    await this.deps.beforeFetch?.();
    const { status, text } = await this.deps.fetch(endpoint(origin, query), {
      method,
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.deps.timeoutMs,
      maxBytes: this.deps.maxResponseBytes,
    });
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new FederationError(`${origin} answered ${status} with a body that is not JSON`, 'network');
    }
    if (tooDeep(parsed)) throw new FederationError(`${origin} answered with JSON nested deeper than ${MAX_REMOTE_DEPTH} levels; refused`, 'too_large');
    return { status, body: parsed };
  }
}

/** The `error` text of a beach refusal, whatever its shape. */
export function beachErrorText(answer: BeachAnswer): string {
  const body = answer.body;
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') return (body as { error: string }).error;
  return `HTTP ${answer.status}`;
}
