// The signed-in user's own account data for the management page (/manage): the rooms they have a
// role in. Thin: who may see what is the core's `authorize` (operation list_rooms); a session sees
// only its own user's rooms, a user's tok_ only those its scope reaches.
import type { Hono } from 'hono';
import type { Services } from '../../core/service/index.js';
import { limited, userPrincipal, type IdentityRouteDeps } from './identity-routes.js';
import { roomPageInput } from './query.js';
import { send } from './respond.js';

export interface AccountRouteDeps extends IdentityRouteDeps {
  services: Services;
}

export function registerAccountRoutes(app: Hono, deps: AccountRouteDeps): void {
  const { identity, services } = deps;
  app.get('/auth/rooms', limited(identity, 'account'), async (c) => {
    const principal = await userPrincipal(c, deps, 'Listing your rooms needs a passkey session or a user\'s tok_ token');
    const links = await identity.memberships(principal);
    const page = await services.rooms.list([...links.keys()], roomPageInput(c.req.query()));
    const rooms = page.rooms.map((room) => {
      const link = links.get(room.id)!;
      return { id: room.id, role: link.role, member_since: new Date(link.createdAt).toISOString(), created_at: room.created_at, meta: room.meta };
    });
    return send(c, 200, { rooms, next: page.next });
  });
}
