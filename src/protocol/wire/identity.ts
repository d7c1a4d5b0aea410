// Tokens, the device flow, invitations and claims (D18–D22). Pure data.
import { z } from 'zod';
import { Id, Timestamp } from './common.js';

const ScopeText = z.string().max(8192).describe('space-separated scope items: rooms:*, rooms:*:read, rooms:*:write, rooms:<id>, rooms:<id>:write, rooms:<id>:read, rooms:<id>:agent:<agent>, create_rooms, tokens:manage');

export const MintTokenBody = z.strictObject({
  scope: ScopeText,
  label: z.string().max(200).optional(),
  expires_in: z.number().int().min(60).max(365 * 86_400).optional().describe('seconds; default 30 days'),
  with_refresh: z.boolean().optional().describe('also return a refresh token (30 days, rotated on use)'),
}).meta({ id: 'MintTokenBody' });

export const TokenInfo = z.strictObject({
  id: z.string(),
  kind: z.literal('tok_'),
  scope: z.string(),
  label: z.string().nullable(),
  client_id: z.string().nullable(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
  revoked: z.boolean(),
  expired: z.boolean(),
}).meta({ id: 'TokenInfo' });
export type TokenInfo = z.infer<typeof TokenInfo>;

export const MintedToken = TokenInfo.extend({
  token: z.string().startsWith('tok_').describe('the bearer secret, shown once'),
  refresh_token: z.string().startsWith('ref_').optional(),
  refresh_expires_at: Timestamp.optional(),
}).meta({ id: 'MintedToken' });
export type MintedToken = z.infer<typeof MintedToken>;

export const TokenList = z.strictObject({ tokens: z.array(TokenInfo) }).meta({ id: 'TokenList' });
export type TokenList = z.infer<typeof TokenList>;

export const PatchTokenBody = z.strictObject({ scope: ScopeText.optional() }).meta({ id: 'PatchTokenBody' });
export const PatchedToken = TokenInfo.extend({ previous_scope: z.string() }).meta({ id: 'PatchedToken' });
export type PatchedToken = z.infer<typeof PatchedToken>;
export const RevokedToken = z.strictObject({ revoked: z.literal(true), id: z.string() }).meta({ id: 'RevokedToken' });
export type RevokedToken = z.infer<typeof RevokedToken>;

export const RefreshBody = z.strictObject({
  refresh_token: z.string(),
  grant_type: z.literal('refresh_token').optional(),
}).meta({ id: 'RefreshBody' });

export const TokenGrant = z.strictObject({
  access_token: z.string().startsWith('tok_'),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string().startsWith('ref_'),
  scope: z.string(),
}).meta({ id: 'TokenGrant' });
export type TokenGrant = z.infer<typeof TokenGrant>;

export const DeviceStartBody = z.strictObject({
  scope: ScopeText.optional().describe('default "rooms:* create_rooms"'),
  client_id: z.string().max(100).optional(),
}).meta({ id: 'DeviceStartBody' });

export const DeviceStart = z.strictObject({
  device_code: z.string().startsWith('dev_'),
  user_code: z.string().regex(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/),
  verification_uri: z.string(),
  verification_uri_complete: z.string(),
  expires_in: z.number().int(),
  interval: z.number().int(),
}).meta({ id: 'DeviceStart' });
export type DeviceStart = z.infer<typeof DeviceStart>;

export const DeviceTokenBody = z.strictObject({
  device_code: z.string(),
  grant_type: z.literal('urn:ietf:params:oauth:grant-type:device_code').optional(),
  client_id: z.string().optional(),
}).meta({ id: 'DeviceTokenBody' });

export const InviteBody = z.strictObject({
  username: z.string(),
  role: z.enum(['owner', 'collaborator', 'participant', 'observer']).optional().describe('default participant'),
}).meta({ id: 'InviteBody' });
export const Invited = z.strictObject({
  invited: z.literal(true),
  username: z.string(),
  room: Id,
  role: z.enum(['owner', 'collaborator', 'participant', 'observer']),
}).meta({ id: 'Invited' });
export type Invited = z.infer<typeof Invited>;

export const ClaimBody = z.strictObject({ room_token: z.string().startsWith('room_').describe("the room's admin token, proof of control") }).meta({ id: 'ClaimBody' });
export const Claimed = z.strictObject({ claimed: z.literal(true), room: Id, role: z.literal('owner') }).meta({ id: 'Claimed' });
export type Claimed = z.infer<typeof Claimed>;

export const SessionInfo = z.strictObject({
  user: z.strictObject({ id: z.string(), username: z.string(), created_at: Timestamp }),
  expires_at: Timestamp.describe('when the session ends unless renewed by signing in again'),
}).meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfo>;

export const RevokeHeldBody = z.strictObject({ token: z.string().describe('the tok_ or ref_ token to end, with its whole family (RFC 7009 in spirit)') }).meta({ id: 'RevokeHeldBody' });
export const RevokedHeld = z.strictObject({ revoked: z.literal(true) }).meta({ id: 'RevokedHeld' });
export type RevokedHeld = z.infer<typeof RevokedHeld>;

// ---- the approval pages' session-only routes (sync-auth §4.4–4.5 and §5) ----

const Level = z.enum(['read', 'write', 'full']);
const Role = z.enum(['owner', 'collaborator', 'participant', 'observer']);
const UserCode = z.string().max(32).describe('the code the device shows, XXXX-XXXX (case and dashes ignored)');

export const DeviceLookupBody = z.strictObject({ user_code: UserCode }).meta({ id: 'DeviceLookupBody' });
export const DeviceRequest = z.strictObject({
  user_code: z.string(),
  client_id: z.string().nullable(),
  scope: z.string(),
  requested: z.strictObject({
    wildcard: Level.nullable(),
    rooms: z.array(z.strictObject({ room: Id, level: Level, agent: Id.nullable() })),
    create_rooms: z.boolean(),
    tokens_manage: z.boolean(),
  }),
  rooms: z.array(z.strictObject({ room: Id, role: Role })).describe("the signed-in user's rooms and roles"),
  expires_at: Timestamp,
}).meta({ id: 'DeviceRequest' });
export type DeviceRequest = z.infer<typeof DeviceRequest>;

export const DeviceApproveBody = z.strictObject({
  user_code: UserCode,
  scope: ScopeText.optional().describe('the scope to grant: the requested one by default, or a narrower one (never wider)'),
}).meta({ id: 'DeviceApproveBody' });
export const DeviceApproved = z.strictObject({ approved: z.literal(true), scope: z.string() }).meta({ id: 'DeviceApproved' });
export type DeviceApproved = z.infer<typeof DeviceApproved>;
export const DeviceDenied = z.strictObject({ denied: z.literal(true) }).meta({ id: 'DeviceDenied' });
export type DeviceDenied = z.infer<typeof DeviceDenied>;

export const ElevationLookupBody = z.strictObject({ token_id: z.string(), room: Id }).meta({ id: 'ElevationLookupBody' });
export const ElevationInfo = z.strictObject({
  token: z.strictObject({ id: z.string(), label: z.string().nullable(), scope: z.string(), expires_at: Timestamp.nullable() }),
  room: Id,
  role: Role,
  max_level: Level.describe("the most the user may grant: their role's level in the room"),
  current_level: Level.nullable(),
}).meta({ id: 'ElevationInfo' });
export type ElevationInfo = z.infer<typeof ElevationInfo>;
export const ElevationApproveBody = ElevationLookupBody.extend({ level: Level }).meta({ id: 'ElevationApproveBody' });
export const Elevated = z.strictObject({
  elevated: z.boolean().describe('false when the token already had that level there'),
  token_id: z.string(),
  room: Id,
  level: Level,
  scope: z.string(),
  previous_scope: z.string(),
}).meta({ id: 'Elevated' });
export type Elevated = z.infer<typeof Elevated>;
