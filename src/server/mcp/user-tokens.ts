// Users' `tok_` tokens on /mcp: an OAuth access token bound to this server's MCP resource
// (RFC 8707), or a token of the whole API (the user's own, the device flow's). The principal's
// key is the token family, so a refreshed token keeps its MCP sessions, embodiments and
// narrowing; every call is decided again by the identity service (scope ∩ role, live token), so
// a revoked or narrowed token takes effect at once. Any other bearer goes to the legacy auth.
import type { Caller } from '../../core/service/index.js';
import type { IdentityService } from '../../core/identity/identity-service.js';
import { parseScope } from '../../core/identity/scope.js';
import { BearerAuth } from '../auth/bearer-auth.js';
import type { McpAuth, McpPrincipal } from './mcp-auth.js';

export class UserTokenMcpAuth implements McpAuth {
  constructor(
    private readonly identity: IdentityService,
    /** This server's MCP URL (`<public URL>/mcp`): the audience OAuth tokens must carry. */
    private readonly resource: () => string,
    private readonly legacy: McpAuth,
  ) {}

  async authenticate(header: string | undefined | null, sessionKey: string): Promise<McpPrincipal> {
    const token = BearerAuth.bearerOf(header);
    if (token === null || !token.startsWith('tok_')) return this.legacy.authenticate(header, sessionKey);
    const { identity } = this;
    const resource = this.resource();
    const row = await identity.liveToken(token, resource);
    const scope = parseScope(row.scope);
    const principal = (roomId: string | null) => identity.principal(token, roomId, resource);
    return {
      key: `user:${row.family}`,
      description: row.clientId ? `user token of the OAuth client ${row.clientId}` : 'user token',
      mayCreateRooms: scope.createRooms,
      callerFor: async (roomId) => identity.authorize(await principal(roomId), roomId, 'read_context'),
      rooms: async () => [...(await identity.memberships(await principal(null))).keys()],
      user: {
        scope: row.scope,
        joinCaller: async (roomId, agentId): Promise<Caller> => identity.authorize(await principal(roomId), roomId, 'join', agentId),
        joined: async (roomId, agentId) => identity.embodied(await principal(roomId), roomId, agentId),
        creator: async () => identity.authorize(await principal(null), null, 'create_room'),
        created: async (roomId) => identity.roomCreated(await principal(null), roomId),
      },
    };
  }
}
