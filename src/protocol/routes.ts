// The route table of the HTTP API: every route the server registers, with its wire schemas.
// One description feeds the OpenAPI document, the client SDK's types and the tests that keep
// the server honest. Pure data.
import { z } from 'zod';
import { AgentInfo, JoinBody, JoinedAgent, PatchAgentBody } from './wire/agents.js';
import { ErrorBody } from './wire/common.js';
import { BeachAnswer, BeachErrorBody, BeachQuery, BeachRequest } from './wire/beach.js';
import { InvokeBody, InvokeResult, RegistrationResult } from './wire/invoke.js';
import { JsonRpcBody, JsonRpcMessage } from './wire/mcp.js';
import { EventsQuery, WaitQuery, WaitResult } from './wire/live.js';
import { Context, ContextQuery, EvalBody, EvalResult, Poll, PollQuery } from './wire/reads.js';
import {
  ClaimBody, Claimed, DeviceApproveBody, DeviceApproved, DeviceDenied, DeviceLookupBody, DeviceRequest, DeviceStart, DeviceStartBody, DeviceTokenBody,
  Elevated, ElevationApproveBody, ElevationInfo, ElevationLookupBody, InviteBody, Invited, MintTokenBody, MintedToken, PatchTokenBody, PatchedToken,
  RefreshBody, RevokeHeldBody, RevokedHeld, RevokedToken, SessionInfo, TokenGrant, TokenList,
} from './wire/identity.js';
import {
  Authenticated, AuthenticateOptionsBody, AuthenticateVerifyBody, CeremonyOptions, CreatedRecoveryCode, PasskeyList, RecoverBody, Recovering, RecoveryCodeList,
  Registered, RegisterOptionsBody, RegisterVerifyBody, RemovedPasskey, RevokedRecoveryCode, SignedOut,
} from './wire/passkeys.js';
import { MyRooms, MyRoomsQuery } from './wire/account.js';
import {
  AuthorizationServerMetadata, AuthorizeQuery, ClientRegistrationBody, ConsentDecision, ConsentDecisionBody, ConsentRequest, OAuthTokenBody,
  ProtectedResourceMetadata, RegisteredClient,
} from './wire/oauth.js';
import { CreateRoomBody, CreatedRoom, DeletedRoom, PatchRoomBody, RoomInfo, RoomList, RoomListQuery, RotatedToken } from './wire/rooms.js';

export type Method = 'get' | 'post' | 'patch' | 'delete' | 'put' | 'options';

/** Who may call a route: nobody in particular, a member of the room, or its admin. */
export type Access = 'public' | 'local_or_token' | 'member' | 'admin' | 'owner' | 'token_manager' | 'user_token' | 'session' | 'session_or_user_token';

export interface RouteSpec {
  readonly method: Method;
  /** OpenAPI path template: `/rooms/{room}/agents`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly pathParams?: readonly string[];
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success status → body schema. */
  readonly responses: Readonly<Record<number, z.ZodType>>;
  /** Set for Server-Sent Event streams: the success body is `text/event-stream`. */
  readonly stream?: true;
  /** Set for pages and assets: the success body is not JSON. */
  readonly html?: true;
  /** The error body's schema, when it is not D2's (the beach protocol's own shape). */
  readonly errors?: z.ZodType;
}

const Health = z.strictObject({ ok: z.literal(true) });

export const ROUTES: readonly RouteSpec[] = [
  { method: 'get', path: '/healthz', operationId: 'health', summary: 'Readiness: 200 once the server serves, 503 while starting or stopping.', tag: 'server', access: 'public', responses: { 200: Health } },
  { method: 'get', path: '/openapi.json', operationId: 'openapi', summary: 'This description of the API (OpenAPI 3.1).', tag: 'server', access: 'public', responses: { 200: z.looseObject({ openapi: z.string() }) } },
  { method: 'post', path: '/rooms', operationId: 'createRoom', summary: 'Create a room; returns its admin token and view token.', tag: 'rooms', access: 'local_or_token', body: CreateRoomBody, responses: { 201: CreatedRoom } },
  { method: 'get', path: '/rooms', operationId: 'listRooms', summary: 'Rooms the token belongs to (every room in local mode), newest first, paged.', tag: 'rooms', access: 'local_or_token', query: RoomListQuery, responses: { 200: RoomList } },
  { method: 'get', path: '/rooms/{room}', operationId: 'getRoom', summary: 'Room info.', tag: 'rooms', access: 'member', pathParams: ['room'], responses: { 200: RoomInfo } },
  { method: 'patch', path: '/rooms/{room}', operationId: 'updateRoom', summary: 'Change the room’s meta (admin): keys merge in, null removes one.', tag: 'rooms', access: 'admin', pathParams: ['room'], body: PatchRoomBody, responses: { 200: RoomInfo } },
  { method: 'delete', path: '/rooms/{room}', operationId: 'deleteRoom', summary: 'Delete the room and everything in it.', tag: 'rooms', access: 'admin', pathParams: ['room'], responses: { 200: DeletedRoom } },
  { method: 'post', path: '/rooms/{room}/rotate-token', operationId: 'rotateRoomToken', summary: 'Replace the room admin token.', tag: 'rooms', access: 'admin', pathParams: ['room'], responses: { 200: RotatedToken } },
  { method: 'post', path: '/rooms/{room}/rotate-view-token', operationId: 'rotateViewToken', summary: 'Replace the read-only view token.', tag: 'rooms', access: 'admin', pathParams: ['room'], responses: { 200: RotatedToken } },
  { method: 'delete', path: '/rooms/{room}/view-token', operationId: 'revokeViewToken', summary: 'Revoke the view token.', tag: 'rooms', access: 'admin', pathParams: ['room'], responses: { 200: RotatedToken } },
  { method: 'post', path: '/rooms/{room}/agents', operationId: 'joinRoom', summary: 'Join the room as an agent (re-join with its token to rotate it); returns the agent token.', tag: 'agents', access: 'local_or_token', pathParams: ['room'], body: JoinBody, responses: { 201: JoinedAgent } },
  { method: 'patch', path: '/rooms/{room}/agents/{agent}', operationId: 'updateAgent', summary: 'Change an agent’s name, role, meta or grants.', tag: 'agents', access: 'admin', pathParams: ['room', 'agent'], body: PatchAgentBody, responses: { 200: AgentInfo } },
  { method: 'post', path: '/rooms/{room}/actions/{action}/invoke', operationId: 'invoke', summary: 'Invoke a built-in or custom action.', tag: 'actions', access: 'member', pathParams: ['room', 'action'], body: InvokeBody, responses: { 200: InvokeResult, 201: RegistrationResult } },
  { method: 'get', path: '/rooms/{room}/context', operationId: 'readContext', summary: 'The one read: state, views, agents, actions and messages the caller may see.', tag: 'reads', access: 'member', pathParams: ['room'], query: ContextQuery, responses: { 200: Context } },
  { method: 'post', path: '/rooms/{room}/eval', operationId: 'evalCel', summary: 'Evaluate a CEL expression against what the caller may read.', tag: 'reads', access: 'member', pathParams: ['room'], body: EvalBody, responses: { 200: EvalResult } },
  { method: 'get', path: '/rooms/{room}/poll', operationId: 'poll', summary: 'Dashboard bundle and the audit log, newest first.', tag: 'reads', access: 'member', pathParams: ['room'], query: PollQuery, responses: { 200: Poll } },
  { method: 'get', path: '/rooms/{room}/wait', operationId: 'wait', summary: 'Block until a CEL condition holds or the timeout passes.', tag: 'live', access: 'member', pathParams: ['room'], query: WaitQuery, responses: { 200: WaitResult } },
  { method: 'get', path: '/rooms/{room}/events', operationId: 'events', summary: 'Server-Sent Events of committed changes; resume with Last-Event-ID.', tag: 'live', access: 'member', pathParams: ['room'], query: EventsQuery, responses: { 200: z.string() }, stream: true },
  { method: 'get', path: '/rooms/{room}/dashboard', operationId: 'dashboard', summary: 'The room dashboard page (HTML; the token goes in the URL fragment or the page’s form).', tag: 'web', access: 'public', pathParams: ['room'], responses: { 200: z.string() }, html: true },
  { method: 'get', path: '/manage', operationId: 'managePage', summary: 'The management page (HTML): your rooms and roles, your tokens (mint, narrow, revoke), your profile; needs a passkey session.', tag: 'web', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'get', path: '/web/assets/{file}', operationId: 'webAsset', summary: 'A built asset of the web pages (hashed name, immutable).', tag: 'web', access: 'public', pathParams: ['file'], responses: { 200: z.string() }, html: true },
  { method: 'post', path: '/rooms/{room}/invite', operationId: 'inviteUser', summary: 'Give a user a role in the room (owner, through a token at full level for it).', tag: 'rooms', access: 'owner', pathParams: ['room'], body: InviteBody, responses: { 200: Invited } },
  { method: 'post', path: '/rooms/{room}/claim', operationId: 'claimRoom', summary: "Become an owner of a room by presenting its room token (room_) with a user's tok_.", tag: 'rooms', access: 'user_token', pathParams: ['room'], body: ClaimBody, responses: { 200: Claimed } },
  { method: 'post', path: '/tokens', operationId: 'mintToken', summary: 'Mint a scoped token (passkey session or tokens:manage; never wider than the caller).', tag: 'tokens', access: 'token_manager', body: MintTokenBody, responses: { 201: MintedToken } },
  { method: 'get', path: '/tokens', operationId: 'listTokens', summary: "The user's tokens, newest first; never a secret.", tag: 'tokens', access: 'token_manager', responses: { 200: TokenList } },
  { method: 'patch', path: '/tokens/{token}', operationId: 'patchToken', summary: "Change a token's scope (within the caller's own).", tag: 'tokens', access: 'token_manager', pathParams: ['token'], body: PatchTokenBody, responses: { 200: PatchedToken } },
  { method: 'delete', path: '/tokens/{token}', operationId: 'revokeToken', summary: 'Revoke a token (and its refresh token).', tag: 'tokens', access: 'token_manager', pathParams: ['token'], responses: { 200: RevokedToken } },
  { method: 'post', path: '/tokens/refresh', operationId: 'refreshToken', summary: 'Exchange a refresh token for a new pair; a reused refresh token revokes its family.', tag: 'tokens', access: 'public', body: RefreshBody, responses: { 200: TokenGrant } },
  { method: 'get', path: '/auth/session', operationId: 'sessionInfo', summary: 'Who the passkey session cookie signs in (401 authentication_required without one); pages ask it first.', tag: 'auth', access: 'session', responses: { 200: SessionInfo } },
  { method: 'get', path: '/auth/rooms', operationId: 'myRooms', summary: "The rooms the signed-in user has a role in, with the role, newest first, paged (a user's tok_: those its scope reaches).", tag: 'auth', access: 'session_or_user_token', query: MyRoomsQuery, responses: { 200: MyRooms } },
  { method: 'post', path: '/auth/device', operationId: 'startDeviceAuth', summary: 'Start device authorization (RFC 8628): a device code to poll and a user code to approve.', tag: 'auth', access: 'public', body: DeviceStartBody, responses: { 200: DeviceStart } },
  { method: 'post', path: '/auth/device/token', operationId: 'pollDeviceAuth', summary: 'Poll: 400 authorization_pending / slow_down / access_denied / expired_token, or the tokens once approved.', tag: 'auth', access: 'public', body: DeviceTokenBody, responses: { 200: TokenGrant } },
  { method: 'get', path: '/.well-known/oauth-protected-resource', operationId: 'oauthProtectedResource', summary: 'RFC 9728 metadata of the MCP resource (open to every origin).', tag: 'oauth', access: 'public', responses: { 200: ProtectedResourceMetadata } },
  { method: 'get', path: '/.well-known/oauth-protected-resource/mcp', operationId: 'oauthProtectedResourceMcp', summary: 'The same, at the path-suffixed URL of /mcp (where a 401 points).', tag: 'oauth', access: 'public', responses: { 200: ProtectedResourceMetadata } },
  { method: 'get', path: '/.well-known/oauth-authorization-server', operationId: 'oauthAuthorizationServer', summary: 'RFC 8414 authorization server metadata (open to every origin).', tag: 'oauth', access: 'public', responses: { 200: AuthorizationServerMetadata } },
  ...['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server'].map(
    (path, i): RouteSpec => ({ method: 'options', path, operationId: `oauthMetadataPreflight${i}`, summary: 'CORS preflight: the discovery documents are open to every origin.', tag: 'oauth', access: 'public', responses: { 204: z.null() } }),
  ),
  { method: 'post', path: '/oauth/register', operationId: 'oauthRegister', summary: 'Dynamic client registration (RFC 7591): public clients, https or loopback redirect URIs.', tag: 'oauth', access: 'public', body: ClientRegistrationBody, responses: { 201: RegisteredClient } },
  { method: 'get', path: '/oauth/authorize', operationId: 'oauthAuthorize', summary: 'Start authorization (PKCE S256): 302 to the consent page, or to the client with an error once its redirect URI is known good.', tag: 'oauth', access: 'public', query: AuthorizeQuery, responses: { 302: z.null() } },
  { method: 'get', path: '/oauth/consent', operationId: 'oauthConsentPage', summary: 'The consent page (HTML; needs a passkey session).', tag: 'oauth', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'get', path: '/oauth/requests/{request}', operationId: 'oauthRequest', summary: 'A pending authorization request, for the consent page.', tag: 'oauth', access: 'session', pathParams: ['request'], responses: { 200: ConsentRequest } },
  { method: 'post', path: '/oauth/requests/{request}/decision', operationId: 'oauthDecide', summary: 'Approve (scope narrowable, never wider) or deny; returns where the browser goes.', tag: 'oauth', access: 'session', pathParams: ['request'], body: ConsentDecisionBody, responses: { 200: ConsentDecision } },
  { method: 'post', path: '/oauth/token', operationId: 'oauthToken', summary: 'Token endpoint: authorization_code (PKCE) or refresh_token (rotation, reuse revokes the family).', tag: 'oauth', access: 'public', body: OAuthTokenBody, responses: { 200: TokenGrant } },
  { method: 'post', path: '/tokens/revoke', operationId: 'revokeHeldToken', summary: 'Revoke a tok_ or ref_ token you hold, with its family (no other credential needed; unknown tokens answer the same).', tag: 'tokens', access: 'public', body: RevokeHeldBody, responses: { 200: RevokedHeld } },
  { method: 'get', path: '/auth/device', operationId: 'devicePage', summary: 'The device approval page (verification_uri; ?user_code= prefills the code): passkey session, then consent.', tag: 'web', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'post', path: '/auth/device/lookup', operationId: 'lookupDeviceAuth', summary: 'What a pending device request asks for, by user code (session; attempts limited); never the device code.', tag: 'auth', access: 'session', body: DeviceLookupBody, responses: { 200: DeviceRequest } },
  { method: 'post', path: '/auth/device/approve', operationId: 'approveDeviceAuth', summary: 'Approve a device request with the requested scope or a narrower one (session).', tag: 'auth', access: 'session', body: DeviceApproveBody, responses: { 200: DeviceApproved } },
  { method: 'post', path: '/auth/device/deny', operationId: 'denyDeviceAuth', summary: 'Deny a device request (session); its next poll answers access_denied.', tag: 'auth', access: 'session', body: DeviceLookupBody, responses: { 200: DeviceDenied } },
  { method: 'get', path: '/auth/elevate', operationId: 'elevatePage', summary: 'The elevation page a scope_denied links to (?token_id=&room=[&level=]): the owner of the token raises it within their role.', tag: 'web', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'post', path: '/auth/elevate/lookup', operationId: 'lookupElevation', summary: "A token of the signed-in user, their role in the room and the token's level there (session).", tag: 'auth', access: 'session', body: ElevationLookupBody, responses: { 200: ElevationInfo } },
  { method: 'post', path: '/auth/elevate/approve', operationId: 'approveElevation', summary: "Raise the token's level in the room, at most to the user's role (session).", tag: 'auth', access: 'session', body: ElevationApproveBody, responses: { 200: Elevated } },
  { method: 'post', path: '/mcp', operationId: 'mcpPost', summary: 'MCP Streamable HTTP: a JSON-RPC request (answered as JSON or an SSE stream) or a notification or response (202, no body).', tag: 'mcp', access: 'local_or_token', body: JsonRpcBody, responses: { 200: JsonRpcMessage, 202: z.null() } },
  { method: 'post', path: '/webauthn/register/options', operationId: 'registerOptions', summary: 'Passkey registration options: a new account (username, no session), another passkey for the signed-in user, or the recovering user\u2019s new passkey.', tag: 'auth', access: 'public', body: RegisterOptionsBody, responses: { 200: CeremonyOptions } },
  { method: 'post', path: '/webauthn/register/verify', operationId: 'registerVerify', summary: 'Finish a registration; a new account or a recovery is signed in (HttpOnly cookie).', tag: 'auth', access: 'public', body: RegisterVerifyBody, responses: { 200: Registered } },
  { method: 'post', path: '/webauthn/authenticate/options', operationId: 'authenticateOptions', summary: 'Sign-in options for a discoverable passkey.', tag: 'auth', access: 'public', body: AuthenticateOptionsBody, responses: { 200: CeremonyOptions } },
  { method: 'post', path: '/webauthn/authenticate/verify', operationId: 'authenticateVerify', summary: 'Finish a sign-in: sets the session cookie.', tag: 'auth', access: 'public', body: AuthenticateVerifyBody, responses: { 200: Authenticated } },
  { method: 'post', path: '/auth/signout', operationId: 'signOut', summary: 'End the session server-side and clear its cookie.', tag: 'auth', access: 'public', responses: { 200: SignedOut } },
  { method: 'get', path: '/auth/passkeys', operationId: 'listPasskeys', summary: 'The signed-in user\u2019s passkeys.', tag: 'auth', access: 'session', responses: { 200: PasskeyList } },
  { method: 'delete', path: '/auth/passkeys/{passkey}', operationId: 'removePasskey', summary: 'Remove one of your passkeys (never the last one: 409 last_passkey).', tag: 'auth', access: 'session', pathParams: ['passkey'], responses: { 200: RemovedPasskey } },
  { method: 'post', path: '/auth/recovery', operationId: 'createRecoveryCode', summary: 'Create a recovery code (shown once; at most 3 live, 90 days).', tag: 'auth', access: 'session', responses: { 201: CreatedRecoveryCode } },
  { method: 'get', path: '/auth/recovery', operationId: 'listRecoveryCodes', summary: 'Your recovery codes, metadata only.', tag: 'auth', access: 'session', responses: { 200: RecoveryCodeList } },
  { method: 'delete', path: '/auth/recovery/{code}', operationId: 'revokeRecoveryCode', summary: 'Revoke one of your recovery codes.', tag: 'auth', access: 'session', pathParams: ['code'], responses: { 200: RevokedRecoveryCode } },
  { method: 'post', path: '/recover/validate', operationId: 'redeemRecoveryCode', summary: 'Exchange a recovery code for a recovery session (cookie) that can only register a passkey.', tag: 'auth', access: 'public', body: RecoverBody, responses: { 200: Recovering } },
  { method: 'get', path: '/signin', operationId: 'signInPage', summary: 'The sign-in page: create an account or sign in with a passkey, then go to ?next= (a same-origin path).', tag: 'web', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'get', path: '/recover', operationId: 'recoverPage', summary: 'The recovery page: a recovery code, then a new passkey.', tag: 'web', access: 'public', responses: { 200: z.string() }, html: true },
  { method: 'get', path: '/mcp', operationId: 'mcpStream', summary: 'MCP: the session\u2019s server-to-client SSE stream (resource updates); needs Mcp-Session-Id.', tag: 'mcp', access: 'local_or_token', responses: { 200: z.string() }, stream: true },
  { method: 'delete', path: '/mcp', operationId: 'mcpEnd', summary: 'MCP: end the session named by Mcp-Session-Id.', tag: 'mcp', access: 'local_or_token', responses: { 200: z.null() } },
  { method: 'post', path: '/mcp/beach', operationId: 'mcpBeachPost', summary: 'MCP for the beach tools alone, without sign-in (D26): their writes are guarded by lock secrets.', tag: 'mcp', access: 'public', body: JsonRpcBody, responses: { 200: JsonRpcMessage, 202: z.null() } },
  { method: 'get', path: '/mcp/beach', operationId: 'mcpBeachStream', summary: 'MCP (beach tools): the session\u2019s server-to-client SSE stream; needs Mcp-Session-Id.', tag: 'mcp', access: 'public', responses: { 200: z.string() }, stream: true },
  { method: 'delete', path: '/mcp/beach', operationId: 'mcpBeachEnd', summary: 'MCP (beach tools): end the session named by Mcp-Session-Id.', tag: 'mcp', access: 'public', responses: { 200: z.null() } },
  ...beachRoutes('/.well-known/pscale-beach', 'beach', ''),
  ...beachRoutes('/w/{world}/.well-known/pscale-beach', 'beachWorld', ' In the path world <world> (bsp-beach §6.5): an isolated beach of its own.'),
];

/** The beach protocol's four methods at one path (the base beach, or a path world). */
function beachRoutes(path: string, id: string, suffix: string): RouteSpec[] {
  const pathParams = path.includes('{world}') ? { pathParams: ['world'] } : {};
  return [
    ...(['get', 'post', 'delete'] as const).map(
      (method): RouteSpec => ({
        method,
        path,
        operationId: `${id}${method[0]!.toUpperCase()}${method.slice(1)}`,
        summary: { get: 'The surface index, a block, a node or a shaped read.', post: 'Write, append, register or reach (guarded by lock secrets).', delete: 'Remove a block (its root lock’s secret).' }[method] + suffix,
        tag: 'beach',
        access: 'public',
        ...pathParams,
        ...(method === 'post' ? { body: BeachRequest } : { query: BeachQuery }),
        responses: { 200: BeachAnswer },
        errors: BeachErrorBody,
      }),
    ),
    { method: 'options', path, operationId: `${id}Preflight`, summary: 'CORS preflight: the beach is open to every origin.', tag: 'beach', access: 'public', ...pathParams, responses: { 204: z.null() }, errors: BeachErrorBody },
  ];
}

export { ErrorBody };
