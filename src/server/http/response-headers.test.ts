// CORS (configured origins only) and version headers on every kind of response, and preflights
// answered without a route for allowed origins.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { responseHeaders } from './response-headers.js';

function app(origins: string[] = ['http://example.test']): Hono {
  const a = new Hono();
  a.use('*', responseHeaders('v8', origins));
  a.get('/ok', () => new Response('{}', { headers: { 'content-type': 'application/json' } }));
  a.get('/boom', () => {
    throw new Error('boom');
  });
  a.onError(() => new Response('{"error":"internal_error"}', { status: 500 }));
  return a;
}

describe('responseHeaders', () => {
  it('adds CORS for an allowed origin and the version to handler, error and not-found responses', async () => {
    for (const [path, status] of [['/ok', 200], ['/boom', 500], ['/missing', 404]] as const) {
      const res = await app().request(path, { headers: { origin: 'http://example.test' } });
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://example.test');
      expect(res.headers.get('access-control-expose-headers')).toBe('X-Sync-Version');
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('x-sync-version')).toBe('v8');
    }
  });

  it('adds no CORS header for another origin, or without configured origins', async () => {
    const other = await app().request('/ok', { headers: { origin: 'http://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await app([]).request('/ok', { headers: { origin: 'http://example.test' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect(none.headers.get('vary')).toBeNull();
    expect(none.headers.get('x-sync-version')).toBe('v8');
  });

  it('allows any origin only when configured with *', async () => {
    const res = await app(['*']).request('/ok', { headers: { origin: 'http://anything.test' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps the handler’s own headers', async () => {
    const res = await app().request('/ok');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('answers a preflight from an allowed origin, and leaves other OPTIONS requests to the routes', async () => {
    const res = await app().request('/rooms', { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toEqual({
      'access-control-allow-origin': 'http://example.test',
      'access-control-expose-headers': 'X-Sync-Version',
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'Content-Type,Authorization,Last-Event-ID',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    });
    expect(await res.text()).toBe('');
    const evil = await app().request('/rooms', { method: 'OPTIONS', headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
    expect(evil.status).toBe(404);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
