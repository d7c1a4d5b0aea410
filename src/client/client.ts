// The typed client of the agent-sync HTTP API: one method per route of `protocol/routes.ts`.
// Depends on the protocol only; runs wherever `fetch` does.
import type { AgentInfo, JoinBody, JoinedAgent, PatchAgentBody } from '../protocol/wire/agents.js';
import type { InvokeResult, RegistrationResult } from '../protocol/wire/invoke.js';
import type { FeedEvent, WaitResult } from '../protocol/wire/live.js';
import type { Context, ContextQuery, EvalResult, Poll } from '../protocol/wire/reads.js';
import type { CreateRoomBody, CreatedRoom, DeletedRoom, PatchRoomBody, RoomInfo, RoomList, RotatedToken } from '../protocol/wire/rooms.js';
import type { MyRooms } from '../protocol/wire/account.js';
import type {
  Claimed, DeviceApproved, DeviceDenied, DeviceRequest, DeviceStart, Elevated, ElevationInfo, Invited, MintedToken, PatchedToken, RevokedHeld, RevokedToken, SessionInfo,
  TokenGrant, TokenList,
} from '../protocol/wire/identity.js';
import type {
  Authenticated, CeremonyOptions, CreatedRecoveryCode, PasskeyList, Recovering, RecoveryCodeList, Registered, RemovedPasskey, RevokedRecoveryCode, SignedOut,
} from '../protocol/wire/passkeys.js';
import type { ConsentDecision, ConsentRequest } from '../protocol/wire/oauth.js';
import { followEvents, type FollowOptions } from './events.js';
import { Transport, type TransportOptions } from './transport.js';

/** Context shaping, with booleans and numbers as themselves. */
export interface ContextOptions {
  depth?: ContextQuery['depth'];
  only?: string | string[];
  actions?: boolean;
  messages?: boolean;
  messagesAfter?: number;
  messagesLimit?: number;
  include?: string | string[];
  signal?: AbortSignal;
}

export interface WaitOptions extends ContextOptions {
  /** Milliseconds (the server caps it, 25 s by default). */
  timeout?: number;
  /** Admins only: evaluate as this agent. */
  agent?: string;
}

const seg = encodeURIComponent;
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);

function contextQuery(o: ContextOptions): Record<string, string | number | boolean | undefined> {
  return { depth: o.depth, only: list(o.only), actions: o.actions, messages: o.messages, messages_after: o.messagesAfter, messages_limit: o.messagesLimit, include: list(o.include) };
}

export class AgentSyncClient {
  readonly transport: Transport;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  /** The same server with another token. */
  withToken(token: string | undefined): AgentSyncClient {
    return new AgentSyncClient({ ...this.transport.options, token });
  }

  health(signal?: AbortSignal): Promise<{ ok: true }> {
    return this.transport.request('GET', '/healthz', { signal, idempotent: true });
  }

  createRoom(body: CreateRoomBody = {}): Promise<CreatedRoom> {
    return this.transport.request('POST', '/rooms', { body });
  }

  /** The first page of rooms (newest first); `listRoomPage` walks the rest. */
  listRooms(): Promise<RoomList> {
    return this.transport.request('GET', '/rooms', { idempotent: true });
  }

  /** One page of rooms and the cursor of the next (null on the last page). */
  async listRoomPage(options: { limit?: number; after?: string } = {}): Promise<{ rooms: RoomList; next: string | null }> {
    const { body, headers } = await this.transport.exchange<RoomList>('GET', '/rooms', { query: options, idempotent: true });
    return { rooms: body, next: headers.get('x-next-after') };
  }

  /** Merge keys into the room's meta (admin); a key set to null is removed. */
  updateRoom(room: string, body: PatchRoomBody): Promise<RoomInfo> {
    return this.transport.request('PATCH', `/rooms/${seg(room)}`, { body });
  }

  getRoom(room: string): Promise<RoomInfo> {
    return this.transport.request('GET', `/rooms/${seg(room)}`, { idempotent: true });
  }

  deleteRoom(room: string): Promise<DeletedRoom> {
    return this.transport.request('DELETE', `/rooms/${seg(room)}`);
  }

  rotateRoomToken(room: string): Promise<RotatedToken> {
    return this.transport.request('POST', `/rooms/${seg(room)}/rotate-token`);
  }

  rotateViewToken(room: string): Promise<RotatedToken> {
    return this.transport.request('POST', `/rooms/${seg(room)}/rotate-view-token`);
  }

  revokeViewToken(room: string): Promise<RotatedToken> {
    return this.transport.request('DELETE', `/rooms/${seg(room)}/view-token`);
  }

  join(room: string, body: JoinBody = {}): Promise<JoinedAgent> {
    return this.transport.request('POST', `/rooms/${seg(room)}/agents`, { body });
  }

  updateAgent(room: string, agent: string, body: PatchAgentBody): Promise<AgentInfo> {
    return this.transport.request('PATCH', `/rooms/${seg(room)}/agents/${seg(agent)}`, { body });
  }

  invoke<R extends InvokeResult | RegistrationResult = InvokeResult>(room: string, action: string, params: Record<string, unknown> = {}, options: { agent?: string } = {}): Promise<R> {
    return this.transport.request('POST', `/rooms/${seg(room)}/actions/${seg(action)}/invoke`, { body: { params, ...(options.agent ? { agent: options.agent } : {}) } });
  }

  context(room: string, options: ContextOptions = {}): Promise<Context> {
    return this.transport.request('GET', `/rooms/${seg(room)}/context`, { query: contextQuery(options), signal: options.signal, idempotent: true });
  }

  eval(room: string, expr: string): Promise<EvalResult> {
    return this.transport.request('POST', `/rooms/${seg(room)}/eval`, { body: { expr }, idempotent: true });
  }

  poll(room: string, options: { limit?: number; before?: number; state_limit?: number; state_after?: string } = {}): Promise<Poll> {
    return this.transport.request('GET', `/rooms/${seg(room)}/poll`, { query: options, idempotent: true });
  }

  /** Long-poll until `condition` holds or the timeout passes (`triggered: false`). */
  wait(room: string, condition: string, options: WaitOptions = {}): Promise<WaitResult> {
    const query = { ...contextQuery(options), condition, timeout: options.timeout, agent: options.agent };
    return this.transport.request('GET', `/rooms/${seg(room)}/wait`, { query, signal: options.signal, idempotent: true });
  }

  // ---- identity (D18–D22) ----

  /** Who the passkey session cookie signs in (pages on this server's origin); 401 when signed out. */
  sessionInfo(): Promise<SessionInfo> {
    return this.transport.request('GET', '/auth/session', { idempotent: true });
  }

  /** The rooms the signed-in user (or this token's user, within its scope) has a role in, with the role; newest first. */
  myRooms(options: { limit?: number; after?: string } = {}): Promise<MyRooms> {
    return this.transport.request('GET', '/auth/rooms', { query: options, idempotent: true });
  }

  /** A pending OAuth authorization request (the consent page; needs the passkey session). */
  oauthRequest(handle: string): Promise<ConsentRequest> {
    return this.transport.request('GET', `/oauth/requests/${encodeURIComponent(handle)}`, { idempotent: true });
  }

  /** Approve (optionally narrowing the scope) or deny an OAuth request; returns where the browser goes. */
  oauthDecide(handle: string, body: { approve: boolean; scope?: string }): Promise<ConsentDecision> {
    return this.transport.request('POST', `/oauth/requests/${encodeURIComponent(handle)}/decision`, { body });
  }

  /** Mint a scoped token (needs a passkey session or a token with tokens:manage; never wider than the caller's). */
  mintToken(body: { scope: string; label?: string; expires_in?: number; with_refresh?: boolean }): Promise<MintedToken> {
    return this.transport.request('POST', '/tokens', { body });
  }

  listTokens(): Promise<TokenList> {
    return this.transport.request('GET', '/tokens', { idempotent: true });
  }

  /** Change a token's scope (within the caller's own scope). */
  patchToken(id: string, body: { scope?: string }): Promise<PatchedToken> {
    return this.transport.request('PATCH', `/tokens/${seg(id)}`, { body });
  }

  revokeToken(id: string): Promise<RevokedToken> {
    return this.transport.request('DELETE', `/tokens/${seg(id)}`);
  }

  /** Exchange a refresh token (used once: keep the new one; a replay revokes the whole family). */
  refreshToken(refreshToken: string): Promise<TokenGrant> {
    return this.transport.request('POST', '/tokens/refresh', { body: { refresh_token: refreshToken } });
  }

  /** Start device authorization (RFC 8628): show `verification_uri_complete` / `user_code` to the user. */
  startDeviceAuth(body: { scope?: string; client_id?: string } = {}): Promise<DeviceStart> {
    return this.transport.request('POST', '/auth/device', { body });
  }

  /** One poll: the tokens once approved; otherwise throws authorization_pending, slow_down, access_denied or expired_token. */
  pollDeviceAuth(deviceCode: string): Promise<TokenGrant> {
    return this.transport.request('POST', '/auth/device/token', { body: { device_code: deviceCode } });
  }

  /** Revoke a token or refresh token you hold, with its whole family (what `agent-sync logout` does). */
  revokeHeldToken(token: string): Promise<RevokedHeld> {
    return this.transport.request('POST', '/tokens/revoke', { body: { token } });
  }

  // ---- the approval pages' routes (passkey session cookie, this server's own origin) ----

  /** What a pending device request asks for, by its user code. */
  lookupDeviceAuth(userCode: string): Promise<DeviceRequest> {
    return this.transport.request('POST', '/auth/device/lookup', { body: { user_code: userCode } });
  }

  /** Approve a device request with the requested scope, or with a narrower `scope`. */
  approveDeviceAuth(userCode: string, scope?: string): Promise<DeviceApproved> {
    return this.transport.request('POST', '/auth/device/approve', { body: { user_code: userCode, ...(scope === undefined ? {} : { scope }) } });
  }

  denyDeviceAuth(userCode: string): Promise<DeviceDenied> {
    return this.transport.request('POST', '/auth/device/deny', { body: { user_code: userCode } });
  }

  /** The token an elevate link names, the user's role in its room and the token's level there. */
  lookupElevation(tokenId: string, room: string): Promise<ElevationInfo> {
    return this.transport.request('POST', '/auth/elevate/lookup', { body: { token_id: tokenId, room } });
  }

  /** Raise the token's level in the room (at most the user's role there). */
  approveElevation(tokenId: string, room: string, level: 'read' | 'write' | 'full'): Promise<Elevated> {
    return this.transport.request('POST', '/auth/elevate/approve', { body: { token_id: tokenId, room, level } });
  }

  invite(room: string, body: { username: string; role?: 'owner' | 'collaborator' | 'participant' | 'observer' }): Promise<Invited> {
    return this.transport.request('POST', `/rooms/${seg(room)}/invite`, { body });
  }

  claimRoom(room: string, roomToken: string): Promise<Claimed> {
    return this.transport.request('POST', `/rooms/${seg(room)}/claim`, { body: { room_token: roomToken } });
  }

  // ---- passkeys and recovery (pages on this server's origin: the session is an HttpOnly cookie) ----

  /** Registration options: a new account (`username`, signed out), or another passkey for the signed-in (or recovering) user. */
  passkeyRegistrationOptions(body: { username?: string } = {}): Promise<CeremonyOptions> {
    return this.transport.request('POST', '/webauthn/register/options', { body });
  }

  /** Finish a registration with what the browser's WebAuthn call returned. */
  passkeyRegistrationVerify(body: { challengeId: string; response: object; name?: string }): Promise<Registered> {
    return this.transport.request('POST', '/webauthn/register/verify', { body });
  }

  passkeySignInOptions(): Promise<CeremonyOptions> {
    return this.transport.request('POST', '/webauthn/authenticate/options', { body: {} });
  }

  passkeySignInVerify(body: { challengeId: string; response: object }): Promise<Authenticated> {
    return this.transport.request('POST', '/webauthn/authenticate/verify', { body });
  }

  signOut(): Promise<SignedOut> {
    return this.transport.request('POST', '/auth/signout');
  }

  listPasskeys(): Promise<PasskeyList> {
    return this.transport.request('GET', '/auth/passkeys', { idempotent: true });
  }

  removePasskey(id: string): Promise<RemovedPasskey> {
    return this.transport.request('DELETE', `/auth/passkeys/${seg(id)}`);
  }

  /** A new recovery code: the secret is in `code`, shown once. */
  createRecoveryCode(): Promise<CreatedRecoveryCode> {
    return this.transport.request('POST', '/auth/recovery');
  }

  listRecoveryCodes(): Promise<RecoveryCodeList> {
    return this.transport.request('GET', '/auth/recovery', { idempotent: true });
  }

  revokeRecoveryCode(id: string): Promise<RevokedRecoveryCode> {
    return this.transport.request('DELETE', `/auth/recovery/${seg(id)}`);
  }

  /** Exchange a recovery code for a recovery session, which can only register a new passkey. */
  redeemRecoveryCode(code: string): Promise<Recovering> {
    return this.transport.request('POST', '/recover/validate', { body: { code } });
  }

  /** Follow the room's committed changes; reconnects and resumes until `signal` aborts. */
  events(room: string, options: FollowOptions = {}): AsyncGenerator<FeedEvent> {
    return followEvents(this.transport, room, options);
  }
}
