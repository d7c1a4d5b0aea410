// The OpenAPI 3.1 description of the HTTP API, generated from the route table and its zod
// schemas, so it cannot drift from what the server checks. Pure data in, a document out.
import { z } from 'zod';
import { ROUTES, type RouteSpec } from './routes.js';

type JsonSchema = Record<string, unknown>;

const ref = (schema: z.ZodType): JsonSchema | null => {
  const id = z.globalRegistry.get(schema)?.id;
  return typeof id === 'string' ? { $ref: `#/components/schemas/${id}` } : null;
};

function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return ref(schema) ?? strip(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema);
}

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

// zod describes its recursive JSON type through an internal shared definition; in a JSON
// Schema "any JSON value" is simply the empty schema.
function components(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as { schemas: Record<string, JsonSchema> };
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) if (!id.startsWith('__')) out[id] = strip(schema);
  out.JsonValue = { description: 'any JSON value' };
  return out;
}

function parameters(route: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = (route.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, field] of Object.entries(route.query?.shape ?? {}) as Array<[string, z.ZodType]>) {
    const { description, ...schema } = strip(z.toJSONSchema(field, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema);
    out.push({ name, in: 'query', required: !field.safeParse(undefined).success, schema, ...(description ? { description } : {}) });
  }
  if (route.stream) out.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' }, description: 'resume after this sequence number' });
  return out;
}

const ERROR = { description: 'An error in the D2 shape', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };

function operation(route: RouteSpec): JsonSchema {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = route.stream
      ? { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }
      : route.html
        ? { description: 'A page or an asset', content: { 'text/html': { schema: { type: 'string' } } } }
      : status === '204'
        ? { description: 'No content' }
        : { description: 'Success', content: { 'application/json': { schema: inline(schema, 'output') } } };
  }
  const error = route.errors ? { description: 'An error', content: { 'application/json': { schema: inline(route.errors, 'output') } } } : ERROR;
  responses['4XX'] = error;
  responses['5XX'] = error;
  const op: JsonSchema = { operationId: route.operationId, summary: route.summary, tags: [route.tag], parameters: parameters(route), responses };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: inline(route.body, 'input') } } };
  op.security = route.access === 'public' ? [] : route.access === 'local_or_token' ? [{}, { bearer: [] }] : route.access === 'session' ? [{ session: [] }] : route.access === 'token_manager' || route.access === 'session_or_user_token' ? [{ bearer: [] }, { session: [] }] : [{ bearer: [] }];
  return op;
}

/** The whole document; `serverUrl` is the public URL clients should call. */
export function openApiDocument(info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'agent-sync', version: info.version, description: 'Rooms, agents, declared actions, CEL conditions, views and waits. Errors are {"error", "message", ...details} (D2).' },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a scoped tok_ token, or a room_, view_ or as_ token' },
        session: { type: 'apiKey', in: 'cookie', name: 'sync_session', description: 'the passkey session cookie set by signing in on this server\'s pages (HttpOnly)' },
      },
    },
  };
}
