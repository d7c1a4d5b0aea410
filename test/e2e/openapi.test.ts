// The OpenAPI description is valid OpenAPI 3.1 and names exactly the routes the server registers.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/protocol/routes.js';
import { inProcessApp } from '../support/in-process.js';

// `/rooms/:id/agents/:agentId` and `/rooms/{room}/agents/{agent}` name one route.
const shape = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:[^/]+|\{[^}]+\}/g, '{}')}`;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const { client } = inProcessApp();
    const res = await client.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route the server registers, and no other', () => {
    const { app } = inProcessApp();
    const described = new Set(ROUTES.map((r) => shape(r.method, r.path)));
    // A route registered for every method (the beach's) covers each method described for its path;
    // `*` paths are middleware.
    const registered = new Set(
      app.http.routes
        .filter((r) => !r.path.includes('*'))
        .flatMap((r) => (r.method === 'ALL' ? ROUTES.filter((d) => shape('x', d.path) === shape('x', r.path)).map((d) => shape(d.method, d.path)) : [shape(r.method, r.path)])),
    );
    expect([...registered].filter((r) => !described.has(r))).toEqual([]);
    expect([...described].filter((r) => !registered.has(r))).toEqual([]);
  });

  it('refers only to schemas it defines', async () => {
    const { client } = inProcessApp();
    const doc = (await client.get('/openapi.json')).body;
    const refs = new Set([...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!));
    expect([...refs].filter((r) => !(r in doc.components.schemas))).toEqual([]);
  });
});
