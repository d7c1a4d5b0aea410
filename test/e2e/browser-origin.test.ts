// What a web page can do to a server (issue 7, finding 6): no wildcard CORS (allowed origins are
// configuration), JSON routes refuse non-JSON bodies (415) so a form or text/plain POST cannot
// act without a preflight, and a local-mode server refuses a Host that is not loopback or
// configured (DNS rebinding).
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessApp } from '../support/in-process.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';

const EVIL = 'http://evil.test';
const APP = 'http://app.test';

/** A raw HTTP request with any Host header (fetch does not let a test choose it). */
function rawGet(url: string, path: string, host: string): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { host } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('CORS', () => {
  it('sends no access-control-allow-origin by default, and does not answer preflights', async () => {
    const { app, client } = inProcessApp();
    for (const res of [await client.request('GET', '/healthz', undefined, { origin: EVIL }), await client.request('POST', '/rooms', { id: 'r' }, { origin: EVIL })]) {
      expect(res.status === 200 || res.body.error === 'origin_not_allowed').toBe(true);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('x-sync-version')).toBe('v8');
    }
    const preflight = await client.request('OPTIONS', '/rooms', undefined, { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(preflight.status).not.toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    await app.close();
  });

  it('answers exactly the configured origins, with Vary: Origin', async () => {
    const served = await serveInProcess(['--cors-origins', `${APP}, http://other.test`]);
    try {
      const get = (origin: string) => fetch(`${served.url}/healthz`, { headers: { origin } });
      const allowed = await get(APP);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
      expect(allowed.headers.get('access-control-expose-headers')).toBe('X-Sync-Version');
      expect(allowed.headers.get('vary')).toMatch(/Origin/);
      const refused = await get(EVIL);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('vary')).toMatch(/Origin/);
      expect((await get(`${APP}.evil.test`)).headers.get('access-control-allow-origin')).toBeNull();

      const preflight = await fetch(`${served.url}/rooms`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type,Authorization,Last-Event-ID');
      const evilPreflight = await fetch(`${served.url}/rooms`, { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
      expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await served.close();
    }
  });
});

describe('JSON routes refuse other media types', () => {
  it('answers 415 unsupported_media_type to a text/plain or form body, and acts on nothing', async () => {
    const { app, client } = inProcessApp();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const real = await app.http.request('/rooms', { method: 'POST', headers: { 'content-type': type }, body: '{"id":"r"}' });
      expect(real.status).toBe(415);
      expect(await real.json()).toMatchObject({ error: 'unsupported_media_type' });
    }
    expect((await client.get('/rooms/r')).status).toBe(404);
    const noType = await app.http.request('/rooms', { method: 'POST', body: '{"id":"r"}' });
    expect(noType.status).toBe(415);
    await app.close();
  });

  it('accepts JSON with parameters, and an empty body with no content type', async () => {
    const { app } = inProcessApp();
    const json = await app.http.request('/rooms', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"id":"r"}' });
    expect(json.status).toBe(201);
    expect((await app.http.request('/rooms', { method: 'POST' })).status).toBe(201);
    const token = ((await json.json()) as { token: string }).token;
    const rotated = await app.http.request('/rooms/r/rotate-token', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(rotated.status).toBe(200);
    await app.close();
  });
});

describe('Host check in local mode', () => {
  let served: ServedApp | undefined;
  afterEach(async () => served?.close());

  it('refuses a Host that is neither loopback nor configured, with 403 host_not_allowed', async () => {
    served = await serveInProcess();
    const port = new URL(served.url).port;
    const refused = await rawGet(served.url, '/rooms', `evil.test:${port}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'host_not_allowed', host: 'evil.test' });
    expect(refused.body.hint).toMatch(/--allowed-hosts/);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `app.localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawGet(served.url, '/rooms', host)).status, host).toBe(200);
    }
    expect((await rawGet(served.url, '/rooms', 'localhost.evil.test')).status).toBe(403);
    expect((await rawGet(served.url, '/rooms', '127.0.0.1.evil.test')).status).toBe(403);
  });

  it('accepts the hosts configured with --allowed-hosts (a reverse proxy in front)', async () => {
    served = await serveInProcess(['--allowed-hosts', 'sync.example.com,proxy.internal']);
    expect((await rawGet(served.url, '/rooms', 'sync.example.com')).status).toBe(200);
    expect((await rawGet(served.url, '/rooms', 'proxy.internal:8080')).status).toBe(200);
    expect((await rawGet(served.url, '/rooms', 'other.example.com')).status).toBe(403);
  });

  it('does not check the Host of a server that is not in local mode', async () => {
    served = await serveInProcess(['--host', '0.0.0.0']);
    expect((await rawGet(served.url, '/healthz', 'sync.example.com')).status).toBe(200);
  });
});

describe('changes sent by pages on other origins (CSRF)', () => {
  it('refuses a change whose Origin is foreign or null, and changes nothing', async () => {
    const { app, client } = inProcessApp();
    const room = (await client.post('/rooms', { id: 'r' })).body;
    const admin = client.as(room.token);
    for (const origin of [EVIL, 'null', 'http://127.0.0.1.evil.test', 'not a url']) {
      expect((await client.request('POST', '/rooms', { id: 'csrf' }, { origin })).body.error, origin).toBe('origin_not_allowed');
      expect((await admin.request('POST', '/rooms/r/actions/_send_message/invoke', { params: { body: 'forged' } }, { origin })).status, origin).toBe(403);
      expect((await admin.request('DELETE', '/rooms/r', undefined, { origin })).status, origin).toBe(403);
    }
    expect((await client.get('/rooms/csrf')).status).toBe(404);
    expect((await admin.get('/rooms/r/context')).body.messages.count).toBe(0);
    await app.close();
  });

  it('lets the server’s own pages, allowed CORS origins and clients without an Origin change things', async () => {
    const served = await serveInProcess(['--cors-origins', APP]);
    try {
      const own = new URL(served.url).origin;
      expect((await served.client.request('POST', '/rooms', { id: 'own' }, { origin: own })).status).toBe(201);
      expect((await served.client.request('POST', '/rooms', { id: 'app' }, { origin: APP })).status).toBe(201);
      expect((await served.client.post('/rooms', { id: 'cli' })).status).toBe(201);
      expect((await served.client.request('POST', '/rooms', { id: 'evil' }, { origin: EVIL })).body.error).toBe('origin_not_allowed');
    } finally {
      await served.close();
    }
  });

  it('still lets a foreign page read nothing but send reads (the browser withholds the answer: no CORS)', async () => {
    const { app, client } = inProcessApp();
    const res = await client.request('GET', '/rooms', undefined, { origin: EVIL });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await app.close();
  });
});

