// The HTTP surface of seed 000 for rooms, agents, invoke, context, eval and poll. Thin: each
// handler resolves the caller, calls one service method and sends what it returns.
import type { Context, Hono } from 'hono';
import { ANONYMOUS, type Services } from '../../core/service/index.js';
import { SyncError } from '../../core/errors.js';
import type { BearerAuth } from '../auth/bearer-auth.js';
import type { Operation } from '../../core/identity/access.js';
import { jsonBody } from './body.js';
import { actionParam, idParam } from './path-params.js';
import { send } from './respond.js';
import { contextInput, pollInput, roomPageInput } from './query.js';

export interface RouteDeps {
  services: Services;
  auth: BearerAuth;
  localMode: boolean;
}

export function registerRoutes(app: Hono, { services, auth }: RouteDeps): void {
  const caller = (c: Context, roomId: string, op: Operation = 'read_context', agent?: string | null) => auth.callerFor(roomId, c.req.header('authorization'), op, agent);
  const identity = auth.identity;

  app.post('/rooms', async (c) => {
    const body = await jsonBody(c);
    const principal = await auth.principalFor(c.req.header('authorization'));
    // create_room is decided by the core (D21: local mode, or a tok_ with create_rooms).
    const who = identity && principal ? await identity.authorize(principal, null, 'create_room') : ANONYMOUS;
    const created = await services.rooms.create(body, who);
    if (identity && principal) await identity.roomCreated(principal, created.id);
    return send(c, 201, created);
  });

  app.get('/rooms', async (c) => {
    const header = c.req.header('authorization');
    if (!header && !services.deps.options.localMode) throw new SyncError('authentication_required', 'Listing rooms needs a bearer token.');
    const page = await services.rooms.list(header ? await auth.roomsFor(header) : null, roomPageInput(c.req.query()));
    // The body stays a bare array (sync-auth §3.6); the next page is linked in headers.
    const res = send(c, 200, page.rooms);
    if (page.next !== null) {
      const next = new URLSearchParams({ ...c.req.query(), after: page.next });
      res.headers.set('link', `</rooms?${next.toString()}>; rel="next"`);
      res.headers.set('x-next-after', page.next);
    }
    return res;
  });

  app.get('/rooms/:id', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    services.reads.requireRead(await caller(c, roomId));
    return send(c, 200, await services.rooms.info(roomId));
  });

  app.patch('/rooms/:id', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    return send(c, 200, await services.rooms.update(roomId, await jsonBody(c), await caller(c, roomId)));
  });

  app.delete('/rooms/:id', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const deleted = await services.rooms.delete(roomId, await caller(c, roomId, 'delete_room'));
    await identity?.roomDeleted(roomId);
    return send(c, 200, deleted);
  });

  const rotation = (path: string, method: 'post' | 'delete', which: 'room' | 'view' | 'revoke_view') =>
    app[method](`/rooms/:id/${path}`, async (c) => {
      const roomId = idParam(c, 'id', 'room');
      return send(c, 200, await services.rooms.rotate(roomId, which, await caller(c, roomId)));
    });
  rotation('rotate-token', 'post', 'room');
  rotation('rotate-view-token', 'post', 'view');
  rotation('view-token', 'delete', 'revoke_view');

  app.post('/rooms/:id/agents', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const body = await jsonBody(c);
    const header = c.req.header('authorization');
    const joined = await services.writes.join(roomId, body, await caller(c, roomId, 'join', typeof body.id === 'string' ? body.id : null));
    // D20: a tok_ that joins an agent embodies it; the same token then acts as that agent.
    const principal = identity && header?.match(/^Bearer\s+tok_/i) ? await auth.principalFor(header, roomId) : null;
    if (identity && principal) await identity.embodied(principal, roomId, joined.id);
    return send(c, 201, joined);
  });

  app.patch('/rooms/:id/agents/:agentId', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const agentId = idParam(c, 'agentId', 'agent');
    return send(c, 200, await services.writes.patchAgent(roomId, agentId, await jsonBody(c), await caller(c, roomId)));
  });

  app.post('/rooms/:id/actions/:actionId/invoke', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    const actionId = actionParam(c);
    const body = await jsonBody(c);
    const outcome = await services.writes.invoke(roomId, actionId, body, await caller(c, roomId, 'invoke'));
    // A registration creates (or redefines) a declaration: 201, as seed 004 shows.
    return send(c, outcome.created ? 201 : 200, outcome.result);
  });

  app.get('/rooms/:id/context', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    return send(c, 200, await services.reads.context(roomId, contextInput(c.req.query()), await caller(c, roomId)));
  });

  app.post('/rooms/:id/eval', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    return send(c, 200, await services.reads.evaluate(roomId, await jsonBody(c), await caller(c, roomId, 'eval')));
  });

  app.get('/rooms/:id/poll', async (c) => {
    const roomId = idParam(c, 'id', 'room');
    return send(c, 200, await services.reads.poll(roomId, pollInput(c.req.query()), await caller(c, roomId)));
  });
}
