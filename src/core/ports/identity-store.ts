// Users, passkeys, sessions, tokens, device codes, room roles and rate-limit counters (D18–D22):
// the identity store port. Named apart from the room store (and from the agent-credential store
// being split out of it) so the two can live in different places: SQLite keeps identity in its
// own file, which the operator CLI may write while the server runs; PostgreSQL keeps it in the
// shared database. Nothing is cached above this port, so a write by one process (a revoked
// token, a new user) is honoured by every other at once. Secrets never reach it: tokens, refresh
// tokens, sessions and device and user codes are stored by hash. Times are epoch milliseconds.
import type { Role } from '../identity/access.js';
import type { OAuthStore } from './oauth-store.js';

export interface UserRecord {
  id: string;
  /** Unique, compared exactly (normalisation is the service's job). */
  username: string;
  createdAt: number;
}

export interface PasskeyRecord {
  /** The WebAuthn credential id (base64url). */
  id: string;
  userId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string | null;
  backedUp: boolean;
  /** A label the user gave it (or null). */
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export type ChallengeKind = 'registration' | 'authentication' | 'recovery-registration';

/**
 * A WebAuthn challenge the server issued, kept until one verify attempt takes it (single use) or
 * it expires. A registration challenge carries the user it was issued for: a new account's
 * (not yet created) id and username, or the signed-in (or recovering) user's.
 */
export interface ChallengeRecord {
  id: string;
  kind: ChallengeKind;
  /** base64url, as sent in the options. */
  challenge: string;
  userId: string | null;
  username: string | null;
  /** Whether a registration creates the account (false: a passkey for an existing user). */
  newUser: boolean;
  /** The hash of the session the challenge was issued to (adding a passkey, recovery), or null. */
  sessionHash: string | null;
  createdAt: number;
  expiresAt: number;
}

/** A recovery code (`recover_…`): only its hash is stored. */
export interface RecoveryCodeRecord {
  id: string;
  userId: string;
  hash: string;
  /** 0..max-1: at most one row per (user, slot), so the live-code limit holds under races. */
  slot: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  /** The recovery session the code was last exchanged for (hash): only that session may use it. */
  sessionHash: string | null;
}

export type SessionKind = 'user' | 'recovery';

export interface SessionRecord {
  hash: string;
  userId: string;
  kind: SessionKind;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type TokenKind = 'tok_' | 'ref_';

export interface TokenRecord {
  id: string;
  kind: TokenKind;
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  hash: string;
  userId: string;
  /** Canonical scope text (core/identity/scope.ts). */
  scope: string;
  label: string | null;
  /** Tokens minted together and by refreshing them share a family; a replayed refresh token revokes it. */
  family: string;
  /** For a refresh token, the access token minted with it. */
  pairId: string | null;
  clientId: string | null;
  /**
   * The audience (RFC 8707): null for a token of the whole API (minted by the user, the device
   * flow or the operator), or this server's MCP URL for a token an MCP client got through OAuth,
   * which is refused everywhere but /mcp.
   */
  resource: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** A refresh token is used once; set when it is exchanged. */
  usedAt: number | null;
  lastUsedAt: number | null;
}

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceCodeRecord {
  id: string;
  /** SHA-256 of the device code (the poller's secret). */
  deviceHash: string;
  /** SHA-256 of the normalised user code. */
  userCodeHash: string;
  clientId: string | null;
  /** The scope the device asked for (canonical text). */
  scope: string;
  /** The scope the user approved (within the requested one), once approved. */
  approvedScope: string | null;
  status: DeviceStatus;
  userId: string | null;
  createdAt: number;
  expiresAt: number;
  /** Seconds the poller must wait between polls (raised by slow_down). */
  interval: number;
  lastPolledAt: number | null;
}

export interface RoomRole {
  userId: string;
  roomId: string;
  role: Role;
  invitedBy: string | null;
  createdAt: number;
}

export interface IdentityStore {
  /** OAuth clients, authorization requests and codes (MCP authorization, D22). */
  readonly oauth: OAuthStore;

  // users
  /** Null when the username is taken. */
  createUser(user: UserRecord): Promise<UserRecord | null>;
  userById(id: string): Promise<UserRecord | null>;
  userByName(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  /**
   * Optional, cheap: a value that differs after any change committed to the store, by this
   * process or another, so a caller can skip a recount while it stays the same. Absent (or
   * null) when the store has no such signal: callers count.
   */
  changeStamp?(): string | number | null;

  // passkeys
  addPasskey(passkey: PasskeyRecord): Promise<boolean>;
  passkey(id: string): Promise<PasskeyRecord | null>;
  passkeysOf(userId: string): Promise<PasskeyRecord[]>;
  /** Record a use: the new signature counter and when. */
  touchPasskey(id: string, counter: number, at: number): Promise<void>;
  removePasskey(userId: string, id: string): Promise<boolean>;

  // WebAuthn challenges
  createChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Remove and return a challenge (single use: a second take of the same id gets null). */
  takeChallenge(id: string): Promise<ChallengeRecord | null>;

  // recovery codes
  /** Insert a code in its (user, slot); false when that slot is taken. */
  addRecoveryCode(code: RecoveryCodeRecord): Promise<boolean>;
  recoveryCodesOf(userId: string): Promise<RecoveryCodeRecord[]>;
  recoveryCodeByHash(hash: string): Promise<RecoveryCodeRecord | null>;
  /** Delete one of a user's codes; false when it is not theirs or unknown. */
  removeRecoveryCode(userId: string, id: string): Promise<boolean>;
  /** Drop a user's used or expired codes (freeing their slots). */
  dropDeadRecoveryCodes(userId: string, at: number): Promise<void>;
  /** Bind a live, unused code to a recovery session; false when it is used or gone. */
  bindRecoveryCode(id: string, sessionHash: string): Promise<boolean>;
  /** Mark the code bound to this session used, once, if unexpired at `at`; the code, or null. */
  useRecoveryCode(sessionHash: string, at: number): Promise<RecoveryCodeRecord | null>;

  // sessions
  createSession(session: SessionRecord): Promise<void>;
  session(hash: string): Promise<SessionRecord | null>;
  revokeSession(hash: string, at: number): Promise<boolean>;

  // tokens
  insertTokens(tokens: TokenRecord[]): Promise<void>;
  tokenByHash(hash: string): Promise<TokenRecord | null>;
  tokenById(id: string): Promise<TokenRecord | null>;
  /** A user's tokens of one kind, newest first. */
  tokensOf(userId: string, kind: TokenKind): Promise<TokenRecord[]>;
  /**
   * Replace a live token's scope; false when it is unknown or revoked, or — with `expected` — when
   * its scope is no longer `expected` (compare-and-set, so concurrent read-modify-writes cannot lose one).
   */
  setTokenScope(id: string, scope: string, expected?: string): Promise<boolean>;
  /** Revoke one token (and the refresh token paired with it); false when already revoked or unknown. */
  revokeToken(id: string, at: number): Promise<boolean>;
  /** Revoke every token of a family (refresh reuse detection). Returns how many were live. */
  revokeFamily(family: string, at: number): Promise<number>;
  /** Mark a refresh token used, once: false when it was already used or is revoked (a replay). */
  useRefresh(id: string, at: number): Promise<boolean>;
  touchToken(id: string, at: number): Promise<void>;

  // embodiment (D20): the agent a token family acts as in a room, joined by that family's user
  setEmbodiment(family: string, userId: string, roomId: string, agentId: string): Promise<void>;
  embodiment(family: string, roomId: string): Promise<string | null>;
  /** The agents a user's tokens have joined in a room (the agents that user drives, §11 item 10). */
  agentsOf(userId: string, roomId: string): Promise<string[]>;

  // device codes (RFC 8628)
  /** False when the user code clashes with a live one. */
  createDeviceCode(code: DeviceCodeRecord): Promise<boolean>;
  deviceByHash(deviceHash: string): Promise<DeviceCodeRecord | null>;
  deviceByUserCode(userCodeHash: string): Promise<DeviceCodeRecord | null>;
  /** Record a poll and the interval to keep from now on. */
  recordPoll(id: string, at: number, interval: number): Promise<void>;
  /** pending → approved for a user with a scope, if still pending and unexpired at `at`. */
  approveDevice(id: string, userId: string, scope: string, at: number): Promise<boolean>;
  /** pending → denied. */
  denyDevice(id: string, at: number): Promise<boolean>;
  /** approved → consumed, once. */
  consumeDevice(id: string): Promise<boolean>;

  // room roles
  role(userId: string, roomId: string): Promise<RoomRole | null>;
  /** Insert or replace a user's role in a room. */
  setRole(link: RoomRole): Promise<void>;
  /** The room's links, owners first. */
  roomMembers(roomId: string): Promise<RoomRole[]>;
  roomsOf(userId: string): Promise<RoomRole[]>;
  /** A room was created or deleted: drop every link it had (a new room never inherits old links). */
  clearRoom(roomId: string): Promise<void>;

  // rate limits, shared by every process on the store
  /** Count one hit of `key` in the fixed window containing `at`; returns the count so far. */
  hit(key: string, windowMs: number, at: number): Promise<number>;
  /** Drop expired sessions, challenges, device codes, recovery codes, OAuth requests and codes, and rate-limit windows older than `before`. */
  purge(before: number): Promise<void>;

  close(): Promise<void>;
}
