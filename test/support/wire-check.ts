// Every response a black-box test sees is checked against the route table's wire schemas, so
// the OpenAPI description (generated from the same schemas) cannot drift from the server.
import { ROUTES, type RouteSpec } from '../../src/protocol/routes.js';
import { ErrorBody } from '../../src/protocol/wire/common.js';

const matchers = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

export function routeFor(method: string, path: string): RouteSpec | undefined {
  const bare = path.split('?')[0]!;
  return matchers.find((m) => m.route.method === method.toLowerCase() && m.pattern.test(bare))?.route;
}

// Errors follow the path's protocol even for a method it does not serve (405).
const errorSchemaFor = (method: string, path: string) => (routeFor(method, path) ?? matchers.find((m) => m.pattern.test(path.split('?')[0]!))?.route)?.errors ?? ErrorBody;

/** Throws when a JSON response does not match its route's schema for that status. */
export function checkResponse(method: string, path: string, status: number, body: unknown, contentType: string | null): void {
  if (status >= 400) {
    const parsed = errorSchemaFor(method, path).safeParse(body);
    if (!parsed.success) throw new Error(`${method} ${path} → ${status}: the error body is not D2-shaped: ${JSON.stringify(body)?.slice(0, 300)}`);
    return;
  }
  const route = routeFor(method, path);
  if (!route) throw new Error(`${method} ${path} → ${status}: no route in protocol/routes.ts describes it`);
  if (route.stream || route.html || (status !== 204 && !contentType?.includes('application/json'))) return;
  const schema = route.responses[status];
  if (!schema) throw new Error(`${method} ${path} → ${status}: the route table lists no ${status} response`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path} → ${status} does not match its schema: ${parsed.error.message.slice(0, 800)}\nbody: ${JSON.stringify(body)?.slice(0, 500)}`);
}
