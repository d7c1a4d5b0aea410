// A test harness for the beach tools: our own beach (local, no HTTP) and a "remote" beach reached
// through a fake BeachFetch that counts requests.
import { randomBytes } from 'node:crypto';
import { memoDerive } from '../../src/beach/gray/index.js';
import { BeachService } from '../../src/server/beach/beach-service.js';
import { Beaches } from '../../src/server/beach/federation/beaches.js';
import { FederationError, type BeachFetch } from '../../src/server/beach/federation/ssrf.js';
import { MemoryBeachStore } from '../../src/server/storage/memory/memory-beach-store.js';
import { beachTools, type BeachTool } from '../../src/server/beach/tools/index.js';
import type { BeachToolDeps } from '../../src/server/beach/tools/context.js';

export const LOCAL = 'https://beach.local.test';
export const REMOTE = 'https://remote.test';
export const T0 = Date.parse('2026-06-01T12:00:00.000Z');

const derive = memoDerive();

export interface Harness {
  local: BeachService;
  remote: BeachService;
  deps: BeachToolDeps;
  tools: BeachTool[];
  requests: Array<{ method: string; url: string; body?: unknown }>;
  call(name: string, args: Record<string, unknown>): Promise<string>;
  result(name: string, args: unknown): ReturnType<BeachTool['handler']>;
}

export function harness(options: { fetch?: BeachFetch; defaultBeach?: string } = {}): Harness {
  const clock = { now: () => T0 };
  const local = new BeachService({ store: new MemoryBeachStore(), origin: () => 'beach.local.test', now: clock.now });
  const remote = new BeachService({ store: new MemoryBeachStore(), origin: () => 'remote.test', now: clock.now });
  const requests: Harness['requests'] = [];
  const fake: BeachFetch = async (raw, init) => {
    const url = new URL(raw);
    requests.push({ method: init.method, url: raw, ...(init.body === undefined ? {} : { body: JSON.parse(init.body) as unknown }) });
    if (url.origin !== REMOTE || url.pathname !== '/.well-known/pscale-beach') throw new FederationError(`${url.origin} is unreachable: ENOTFOUND`, 'network');
    const block = url.searchParams.get('block') ?? '';
    const reply =
      init.method === 'GET'
        ? block === ''
          ? await remote.index()
          : await remote.read(block, url.searchParams.get('spindle'), url.searchParams.get('pscale'))
        : await remote.post(block, JSON.parse(init.body ?? '{}'));
    return { status: reply.status, text: JSON.stringify(reply.body) };
  };
  const beaches = new Beaches({ local, ownUrl: () => LOCAL, fetch: options.fetch ?? fake, timeoutMs: 1000, maxResponseBytes: 1 << 20 });
  const deps: BeachToolDeps = { beaches, defaultBeach: () => options.defaultBeach ?? LOCAL, random: (n) => new Uint8Array(randomBytes(n)), now: clock.now, derive };
  const tools = beachTools(deps);
  const byName = (name: string) => {
    const t = tools.find((x) => x.name === name);
    if (!t) throw new Error(`no tool ${name}`);
    return t;
  };
  return {
    local,
    remote,
    deps,
    tools,
    requests,
    result: (name, args) => byName(name).handler(args),
    async call(name, args) {
      const r = await byName(name).handler(args);
      if (r.isError) throw new Error(`tool error: ${r.content[0]!.text}`);
      return r.content[0]!.text;
    },
  };
}
