// CORS and version headers on every kind of response, and preflights answered without a route.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { responseHeaders } from './response-headers.js';

function app(): Hono {
  const a = new Hono();
  a.use('*', responseHeaders('v8'));
  a.get('/ok', () => new Response('{}', { headers: { 'content-type': 'application/json' } }));
  a.get('/boom', () => {
    throw new Error('boom');
  });
  a.onError(() => new Response('{"error":"internal_error"}', { status: 500 }));
  return a;
}

describe('responseHeaders', () => {
  it('adds CORS and the version to handler, error and not-found responses', async () => {
    for (const [path, status] of [['/ok', 200], ['/boom', 500], ['/missing', 404]] as const) {
      const res = await app().request(path, { headers: { origin: 'http://example.test' } });
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('X-Sync-Version');
      expect(res.headers.get('x-sync-version')).toBe('v8');
    }
  });

  it('keeps the handler’s own headers', async () => {
    const res = await app().request('/ok');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('answers any OPTIONS request as a preflight', async () => {
    const res = await app().request('/rooms', { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'X-Sync-Version',
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'Content-Type,Authorization,Last-Event-ID',
      vary: 'Access-Control-Request-Headers',
    });
    expect(await res.text()).toBe('');
  });
});
