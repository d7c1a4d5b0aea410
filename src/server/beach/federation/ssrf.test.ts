// The guarded fetch: address classes, the policy at connect time, redirects, size caps, timeouts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAddress, guardedFetch, type FederationError } from './ssrf.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'private'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'private'],
    ['224.0.0.1', 'private'],
    ['255.255.255.255', 'private'],
    ['::', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['fe80::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['ff02::1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'private'],
    ['not an ip', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });
});

describe('guardedFetch', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/big')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100_000) });
        res.end('"' + 'x'.repeat(99_998) + '"');
      } else if (req.url?.startsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 50; i++) res.write('x'.repeat(10_000));
        res.end();
      } else if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        res.end();
      } else if (req.url?.startsWith('/hang')) {
        // never answers
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const init = { method: 'GET' as const, timeoutMs: 5000, maxBytes: 10_000 };
  const publicServer = { allowPrivate: false, allowHosts: [], loopbackServer: false };
  const reason = (p: Promise<unknown>) => p.then(() => 'resolved', (e: FederationError) => `${e.reason}: ${e.message}`);

  it('a non-loopback server refuses loopback literals and names that resolve to loopback', async () => {
    const f = guardedFetch(publicServer);
    expect(await reason(f(`http://127.0.0.1:${port}/`, init))).toMatch(/^refused: refused to reach 127\.0\.0\.1/);
    expect(await reason(f(`http://[::1]:${port}/`, init))).toMatch(/^refused:/);
    expect(await reason(f(`http://localhost:${port}/`, init))).toMatch(/^refused: refused to reach localhost \((127\.0\.0\.1|::1)\)/);
    expect(await reason(f(`http://169.254.169.254/latest/meta-data`, init))).toMatch(/^refused:/);
    expect(await reason(f(`http://10.0.0.1/`, init))).toMatch(/^refused:/);
    expect(await reason(f(`file:///etc/passwd`, init))).toMatch(/^refused:/);
  });

  it('a loopback server reaches loopback beaches, not private ones; configuration opens both', async () => {
    expect(await guardedFetch({ ...publicServer, loopbackServer: true })(`http://localhost:${port}/`, init)).toEqual({ status: 200, text: '{"ok":true}' });
    expect(await reason(guardedFetch({ ...publicServer, loopbackServer: true })('http://10.0.0.1/', { ...init, timeoutMs: 500 }))).toMatch(/^refused:/);
    expect((await guardedFetch({ ...publicServer, allowPrivate: true })(`http://127.0.0.1:${port}/`, init)).status).toBe(200);
    expect((await guardedFetch({ ...publicServer, allowHosts: ['localhost'] })(`http://localhost:${port}/`, init)).status).toBe(200);
  });

  it('redirects are not followed; oversized answers are refused, declared or streamed; a silent host times out', async () => {
    const f = guardedFetch({ ...publicServer, loopbackServer: true });
    expect(await reason(f(`http://127.0.0.1:${port}/redirect`, init))).toMatch(/^redirect:/);
    expect(await reason(f(`http://127.0.0.1:${port}/big`, init))).toMatch(/^too_large: .*more than 10000 bytes/);
    expect(await reason(f(`http://127.0.0.1:${port}/chunked`, init))).toMatch(/^too_large:/);
    expect(await reason(f(`http://127.0.0.1:${port}/hang`, { ...init, timeoutMs: 200 }))).toMatch(/^timeout: .*did not answer within 200 ms/);
  });
});
