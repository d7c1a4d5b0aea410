// Who is calling /mcp (the auth seam). An McpAuth turns the request's bearer into a principal:
// a stable key (the hash of the credential, so embodiments and narrowed access follow the
// credential across MCP sessions), and per room the Caller the services act for. Legacy
// room_/view_/as_ bearers are resolved by BearerAuth; users' `tok_` tokens (OAuth access tokens
// bound to the /mcp resource, and the user's own tokens) by the identity service, with the HTTP
// API's one authorisation decision (user-tokens.ts).
import { SyncError } from '../../core/errors.js';
import { ANONYMOUS, type Caller } from '../../core/service/index.js';
import { BearerAuth } from '../auth/bearer-auth.js';
import { hashToken } from '../crypto/node-crypto.js';

export interface McpPrincipal {
  /** Stable, secret-free key of the credential (or of the MCP session for local anonymous use). */
  readonly key: string;
  /** How the caller authenticated, for the lobby. */
  readonly description: string;
  /** Whether the credential may create rooms. */
  readonly mayCreateRooms: boolean;
  /** The caller the credential itself gives in a room (before MCP grants, embodiment or narrowing). */
  callerFor(roomId: string): Promise<Caller>;
  /** Rooms the credential itself reaches (null: every room, local mode without a bearer). */
  rooms(): Promise<string[] | null>;
  /**
   * For a user's token, whose joins and room creation the identity service decides (D18, D20):
   * absent for legacy bearers, whose MCP grants (McpState) stand in for that.
   */
  readonly user?: UserCredential;
}

export interface UserCredential {
  /** The token's scope text (what a step-up request adds to, MCP authorization §scope challenge). */
  readonly scope: string;
  /** The caller to join (or re-take) `agentId` in a room with: admin, the agent, or a write-level joiner. */
  joinCaller(roomId: string, agentId: string | null): Promise<Caller>;
  /** The token now acts as this agent in the room (D20). */
  joined(roomId: string, agentId: string): Promise<void>;
  /** The caller that creates a room (create_rooms in scope). */
  creator(): Promise<Caller>;
  /** The user owns the new room and the token reaches it. */
  created(roomId: string): Promise<void>;
}

export interface McpAuth {
  /**
   * The principal for a request's Authorization header; `sessionKey` identifies the MCP session
   * for callers without a credential. Throws authentication_required / invalid_token (401).
   */
  authenticate(header: string | undefined | null, sessionKey: string): Promise<McpPrincipal>;
}

/** Legacy bearers: room_ (admin of its room), view_ (reader), as_ (its agent); none in local mode. */
export class LegacyBearerMcpAuth implements McpAuth {
  constructor(
    private readonly auth: BearerAuth,
    /** Local mode ends once a user exists (D21), so it is asked on every request. */
    private readonly localMode: () => boolean,
  ) {}

  async authenticate(header: string | undefined | null, sessionKey: string): Promise<McpPrincipal> {
    const token = BearerAuth.bearerOf(header);
    if (token === null) {
      if (!this.localMode()) throw new SyncError('authentication_required', 'This MCP endpoint needs a bearer token (Authorization: Bearer <token>).');
      return {
        key: `local:${sessionKey}`,
        description: 'local mode, no credential',
        mayCreateRooms: true,
        callerFor: async () => ANONYMOUS,
        rooms: async () => null,
      };
    }
    const bearer = `Bearer ${token}`;
    const rooms = await this.auth.roomsFor(bearer);
    if (rooms.length === 0) throw new SyncError('invalid_token', 'This bearer token is not valid on this server.');
    const kind = token.startsWith('room_') ? 'room admin token' : token.startsWith('view_') ? 'view token' : 'agent token';
    return {
      key: `bearer:${hashToken(token)}`,
      description: kind,
      mayCreateRooms: this.localMode(),
      callerFor: async (roomId) => {
        if (!rooms.includes(roomId)) throw new SyncError('invalid_token', `This token is not valid for the room ${roomId}.`);
        return this.auth.callerFor(roomId, bearer);
      },
      rooms: async () => this.auth.roomsFor(bearer),
    };
  }
}
