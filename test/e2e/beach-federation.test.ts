// Federation (issue 12, must-show 2): server A's bsp() reads and writes blocks on server B's beach
// over loopback HTTP, locks and appends included; a URL equal to A's own origin never leaves A;
// a non-loopback server refuses loopback beaches unless allowed; oversized answers are refused.
import { serve } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { guardedFetch, type BeachFetch } from '../../src/server/beach/federation/ssrf.js';
import { pairId } from '../../src/server/beach/tools/substrate.js';
import { startServer, tempDataDir, type ServerProcess } from '../support/server-process.js';

interface Served {
  app: App;
  url: string;
  fetches: string[];
  call(name: string, args: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Server A: a real agent-sync app on a SQLite file, served over TCP in this process so its tools can be called. */
async function serveA(args: string[] = []): Promise<Served> {
  const config = loadConfig(['--data-dir', tempDataDir(), '--port', '0', ...args], {});
  const fetches: string[] = [];
  const real = guardedFetch({ allowPrivate: config.beachAllowPrivate, allowHosts: config.beachAllowHosts, loopbackServer: !args.includes('0.0.0.0') });
  const counted: BeachFetch = (url, init) => {
    fetches.push(`${init.method} ${url}`);
    return real(url, init);
  };
  const app = createApp(config, { log: pino({ level: 'silent' }), beachFetch: counted });
  await app.start();
  app.setReady(true);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const s = serve({ fetch: app.http.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ server: s, port: info.port }));
  });
  app.listeningOn(port);
  return {
    app,
    url: `http://localhost:${port}`,
    fetches,
    async call(name, input) {
      const tool = app.beachTools.find((t) => t.name === name)!;
      const result = await tool.handler(input);
      if (result.isError) throw new Error(result.content[0]!.text);
      return result.content[0]!.text;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      });
      await app.close();
    },
  };
}

const raw = async (base: string, query: string) => {
  const res = await fetch(`${base}/.well-known/pscale-beach${query}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('two agent-sync servers federating on loopback', () => {
  let B: ServerProcess;
  let A: Served;
  beforeAll(async () => {
    B = await startServer();
    A = await serveA();
  }, 60_000);
  afterAll(async () => {
    await A?.close();
    await B?.stop();
  });

  it('A writes a locked block on B, the lock holds on B, and A reads it back shaped', async () => {
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', content: { _: 'federated note', 1: 'first' }, new_lock: 'kelp' })).toMatch(/^\[wrote block @ ""\]\nLock SET/);
    expect((await raw(B.url, '?block=note:fed')).body).toEqual({ _: 'federated note', 1: 'first' });
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', spindle: '2', content: 'second' })).toMatch(/^Write rejected: Beach save rejected: position "2" of "note:fed" inherits the lock at its root/);
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', spindle: '2', content: 'second', secret: 'kelp' })).toBe('[wrote point @ "2"]');
    // B's own salt: the same passphrase works directly against B
    const direct = await fetch(`${B.url}/.well-known/pscale-beach?block=note:fed`, { method: 'POST', body: JSON.stringify({ spindle: '3', content: 'third', secret: 'kelp' }) });
    expect(direct.status).toBe(200);
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', pscale_attention: 0 })).toBe('[disc @ pscale 0 (depth 1)]\n  [0]: federated note\n  [1]: first\n  [2]: second\n  [3]: third');
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', new_lock: 'tide', secret: 'kelp' })).toMatch(/^\[lock @ "[^"]+\/note:fed"\]\nLock SET/);
    expect(await A.call('bsp', { agent_id: B.url, block: 'note:fed', spindle: '1', content: 'x', secret: 'kelp' })).toMatch(/secret does not match/);
    expect(await A.call('bsp', { agent_id: B.url })).toMatch(/^\[beach index @ http:\/\/[^\]]+\]\n[^]*• note:fed/);
  });

  it('A appends to B concurrently: distinct slots, the floor grows on B', async () => {
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => A.call('bsp', { agent_id: B.url, block: 'marks', append: true, content: { _: `mark ${i}`, 1: 'a' } })));
    const slots = acks.map((a) => /→ slot (\d+)/.exec(a)![1]);
    expect(new Set(slots).size).toBe(12);
    const marks = (await raw(B.url, '?block=marks')).body as Record<string, unknown>;
    expect(typeof marks['_']).toBe('object'); // supernested past nine
  });

  it('A registers in a collective and reaches a grain hosted on B; the positions are locked on B', async () => {
    expect(await A.call('pscale_register', { collective: 'fed', declaration: 'from A', passphrase: 'p1', agent_id: B.url })).toMatch(/^Registered at sed:fed:11 on /);
    expect(await A.call('pscale_grain_reach', { handle: 'alice', partner_handle: 'bob', description: 'd', my_side_content: 'hi', my_passphrase: 'ap', agent_id: B.url })).toMatch(/^Grain reached/);
    expect(await A.call('pscale_grain_reach', { handle: 'bob', partner_handle: 'alice', description: '', my_side_content: 'hey', my_passphrase: 'bp', agent_id: B.url })).toMatch(/^Grain completed/);
    const grain = (await raw(B.url, `?block=grain:${pairId('alice', 'bob')}`)).body as Record<string, unknown>;
    expect(grain['9']).toEqual({ 1: 'alice', 2: 'bob' });
    expect(await A.call('bsp', { agent_id: B.url, block: 'sed:fed', spindle: '11', content: 'hijack' })).toMatch(/^Write rejected: Beach save rejected: .*locked/);
  });

  it('gray content written on B through A is ciphertext on B and plaintext only to the enc secret', async () => {
    await A.call('bsp', { agent_id: B.url, block: 'diary:a', content: { _: 'a diary' } });
    await A.call('bsp', { agent_id: B.url, block: 'diary:a', spindle: '1', content: 'the secret garden', gray: true, enc_secret: 'e-a' });
    expect(JSON.stringify((await raw(B.url, '?block=diary:a')).body)).not.toContain('secret garden');
    expect(await A.call('bsp', { agent_id: B.url, block: 'diary:a', spindle: '1', enc_secret: 'e-a' })).toContain('the secret garden');
  });

  it("a URL equal to A's own origin, and the default beach, stay inside A (no HTTP)", async () => {
    A.fetches.length = 0;
    expect(await A.call('bsp', { agent_id: A.url, block: 'home', content: { _: 'at home' } })).toBe('[wrote block @ ""]');
    expect(await A.call('bsp', { agent_id: 'weft', block: 'shell', content: { _: 'weft' } })).toBe('[wrote block @ ""]');
    expect(await A.call('bsp', { agent_id: A.url.toUpperCase().replace('HTTP://', 'http://'), block: 'home', spindle: '0', pscale_attention: 0 })).toContain('at home');
    expect(A.fetches).toEqual([]);
    expect((await raw(A.url, '?block=shell:weft')).body).toEqual({ _: 'weft' });
    expect((await raw(B.url, '?block=home')).status).toBe(404);
  });
});

describe('SSRF and size limits on a non-loopback server', () => {
  let B: ServerProcess;
  let big: Server;
  let bigUrl = '';
  beforeAll(async () => {
    B = await startServer();
    // A "beach" whose index is small and whose blocks are huge.
    big = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url?.includes('block=') ? { _: 'x'.repeat(50_000) } : { _: 'index', blocks: ['huge'] }));
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    big.closeAllConnections();
    await new Promise<void>((r) => big.close(() => r()));
    await B?.stop();
  });

  it('refuses loopback beaches unless --beach-allow-private; writes nothing on refusal', async () => {
    const A = await serveA(['--host', '0.0.0.0', '--public-url', 'https://a.example.com']);
    try {
      const text = await A.call('bsp', { agent_id: B.url, block: 'x', content: { _: 'should not land' } });
      expect(text).toMatch(/^Beach unreachable: refused to reach 127\.0\.0\.1 \(127\.0\.0\.1\): loopback addresses are not reachable/);
      expect(await A.call('bsp', { agent_id: 'http://169.254.169.254', block: 'latest' })).toMatch(/^Beach unreachable: refused to reach 169\.254\.169\.254/);
      expect((await raw(B.url, '?block=x')).status).toBe(404);
    } finally {
      await A.close();
    }
    const allowed = await serveA(['--host', '0.0.0.0', '--public-url', 'https://a.example.com', '--beach-allow-private']);
    try {
      expect(await allowed.call('bsp', { agent_id: B.url, block: 'x', content: { _: 'lands' } })).toBe('[wrote block @ ""]');
    } finally {
      await allowed.close();
    }
  });

  it('an answer larger than --beach-max-response-bytes is refused and the server keeps serving', async () => {
    const A = await serveA(['--beach-max-response-bytes', '4096']);
    try {
      expect(await A.call('bsp', { agent_id: bigUrl, block: 'huge' })).toMatch(/^Beach unreachable: http:\/\/127\.0\.0\.1:\d+ answered with more than 4096 bytes; larger responses are refused$/);
      expect(await A.call('bsp', { agent_id: 'pscale', block: 'manifest', spindle: '1' })).toMatch(/^\[path-walk @ "1"\]/);
    } finally {
      await A.close();
    }
  });
});
