// The public beach wire protocol (bsp-beach §8): GET/POST/DELETE/OPTIONS /.well-known/pscale-beach.
// Open to every origin (CORS on every answer, errors included), unlike the room API. Mounted before
// the app's own middleware, so this path answers with its own headers, body limit and error shape
// `{error, code, message}` (the pscale clients read `code`; D2's `message` beside it).
//
// Worlds (§6.5): `/w/<label>/.well-known/pscale-beach`, `?world=<label>`, or a Host `<sub>.<public
// host>` address an isolated beach of their own. Each client address has its own budgets (reads,
// writes, block creations): past one, 429 with Retry-After.
import type { Context, Hono } from 'hono';
import type { BeachReply, BeachService } from '../beach/beach-service.js';
import { asClient, type BeachLimits } from '../beach/limits.js';
import { chooseWorld, type World } from '../beach/world.js';
import { readBounded } from './body-limit.js';
import { clientAddress } from './client-address.js';
import type { Logger } from './respond.js';
import { isSyncError } from '../../core/errors.js';

export const BEACH_PATH = '/.well-known/pscale-beach';

/** The path world's route (§6.5), beside the base beach's. */
export const WORLD_BEACH_PATH = `/w/:world${BEACH_PATH}`;

const HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Accept',
  'cache-control': 'no-store',
};

export interface BeachRouteDeps {
  beach: BeachService;
  bodyLimitBytes: number;
  log: Logger;
  /** Per-client budgets; none: unlimited. */
  limits?: BeachLimits;
}

function respond(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  if (status === 204) return new Response(null, { status, headers: { ...HEADERS, ...extra } });
  return new Response(JSON.stringify(body), { status, headers: { ...HEADERS, 'content-type': 'application/json; charset=utf-8', ...extra } });
}

const failure = (status: number, code: string, message: string, details: Record<string, unknown> = {}, extra: Record<string, string> = {}): Response =>
  respond(status, { ...details, error: message, code, message }, extra);

export function registerBeachRoutes(app: Hono, deps: BeachRouteDeps): void {
  const serve = (c: Context) => asClient(clientAddress(c), async () => {
    try {
      return await handle(c, deps);
    } catch (error) {
      if (isSyncError(error) && error.code === 'too_many_requests') {
        const retryAfter = Number(error.details['retry_after'] ?? 60);
        return failure(429, 'too_many_requests', error.message, { retry_after: retryAfter }, { 'retry-after': String(retryAfter) });
      }
      // The storage is unreachable (the database is down, the disk failed): retry later.
      if (isSyncError(error) && error.code === 'service_unavailable') {
        return failure(503, 'service_unavailable', error.message, { retry_after: 1 }, { 'retry-after': '1' });
      }
      // A bug, never a refusal: the engine answers every refusal itself. CORS stays intact.
      deps.log.error({ err: error, path: c.req.path }, 'beach handler crashed');
      return failure(500, 'handler_crash', 'The beach failed to handle this request; it has been logged.');
    }
  });
  app.all(BEACH_PATH, serve);
  app.all(WORLD_BEACH_PATH, serve);
}

async function handle(c: Context, deps: BeachRouteDeps): Promise<Response> {
  const method = c.req.method;
  if (method === 'OPTIONS') return respond(204, null);
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return failure(405, 'invalid_shape', 'Method not allowed', {}, { allow: 'GET, POST, DELETE, OPTIONS' });
  await deps.limits?.charge(method === 'GET' ? 'read' : 'write');
  const choice = chooseWorld({ pathLabel: c.req.param('world'), query: c.req.query('world'), host: c.req.header('host') }, deps.beach.origin);
  if ('refused' in choice) return failure(400, 'invalid_shape', choice.refused);
  const world: World = choice.world;
  if (method === 'GET') {
    const name = c.req.query('block') ?? '';
    if (name === '') return send(await deps.beach.index(world));
    return send(await deps.beach.read(name, c.req.query('spindle') ?? null, c.req.query('pscale') ?? null, world));
  }
  const read = await readBody(c, deps.bodyLimitBytes);
  if ('tooLarge' in read) {
    return failure(413, 'payload_too_large', `request body is larger than ${deps.bodyLimitBytes} bytes`, { limit: deps.bodyLimitBytes }, read.close ? { connection: 'close' } : {});
  }
  let body: unknown = null;
  if (read.text.trim() !== '') {
    try {
      body = JSON.parse(read.text);
    } catch (error) {
      return failure(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const name = blockName(body, c.req.query('block'));
  return send(method === 'POST' ? await deps.beach.post(name, body, world) : await deps.beach.delete(name, body, world));
}

/** A non-empty string `block` in the body wins over the query (§8.1). */
function blockName(body: unknown, query: string | undefined): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, 'block')) {
    const inBody = (body as Record<string, unknown>)['block'];
    if (typeof inBody === 'string' && inBody !== '') return inBody;
  }
  return query ?? '';
}

const send = (reply: BeachReply): Response => respond(reply.status, reply.body);

type BodyRead = { text: string } | { tooLarge: true; close: boolean };

/** The body as text, at most `limit` bytes (the room API's bounded reader). */
async function readBody(c: Context, limit: number): Promise<BodyRead> {
  const read = await readBounded(c, limit);
  if ('tooLarge' in read) return read;
  if ('declaredWithin' in read) return { text: await c.req.text() };
  return { text: read.bytes ? Buffer.from(read.bytes).toString('utf8') : '' };
}
