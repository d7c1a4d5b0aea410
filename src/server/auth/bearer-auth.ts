// Resolve a request's bearer token to the caller the core acts for (D19): `room_` → admin,
// `view_` → read-only viewer, `as_` → the agent it was issued to (admins when granted "*").
// Tokens are compared by hash; agent credentials are cached briefly to keep the hot path lean.
import { timingSafeEqual } from 'node:crypto';
import { SyncError } from '../../core/errors.js';
import type { AgentCredential, CredentialStore } from '../../core/ports/credential-store.js';
import type { RoomRecord } from '../../core/room/model.js';
import type { Caller, Services } from '../../core/service/index.js';
import { ANONYMOUS } from '../../core/service/index.js';
import { hashToken } from '../crypto/node-crypto.js';
import { ByteLru } from '../../core/byte-lru.js';
import { authorize, requireAllowed, type Operation, type Principal } from '../../core/identity/access.js';
import type { IdentityService } from '../../core/identity/identity-service.js';

/** Each cache is an LRU bounded by bytes: a bearer is client-chosen text of up to the header limit. */
export const AUTH_CACHE_BYTES = 4 * 1024 * 1024;
const ENTRY_OVERHEAD = 160;
const stringBytes = (s: string) => 2 * s.length;

export class BearerAuth {
  private readonly cache = new ByteLru<string, AgentCredential | null>(AUTH_CACHE_BYTES);
  private readonly hashes = new ByteLru<string, string>(AUTH_CACHE_BYTES);
  /** Hashes of the cached credentials, by room (a notice drops a room's without a scan). */
  private readonly byRoom = new Map<string, Set<string>>();

  constructor(
    private readonly store: CredentialStore,
    private readonly services: Services,
    /** Users' `tok_` tokens (D18); without it only legacy tokens are known. */
    readonly identity: IdentityService | null = null,
  ) {
    // A re-join revokes the agent's tokens and a deleted room takes its tokens along: drop them.
    services.registry.onCommit((room, batch, _touches, remote) => {
      if (remote) this.dropRoom(room.id);
      else if (batch.credentials?.revokeAgent) this.dropWhere((c) => c.roomId === room.id && c.agentId === batch.credentials!.revokeAgent);
    });
    // Another process changed the room (a re-join revokes tokens): forget its credentials the
    // moment the notice arrives (on a shared store live tokens are confirmed by the store anyway).
    services.registry.onNotice((notice) => this.dropRoom(notice.roomId));
    services.registry.onForget((roomId) => this.dropWhere((c) => c.roomId === roomId));
  }

  // SHA-256 per request shows in profiles; recent bearers' hashes are kept (hashes only guard storage).
  private hashOf(token: string): string {
    let hash = this.hashes.get(token);
    if (hash === undefined) {
      hash = hashToken(token);
      this.hashes.set(token, hash, ENTRY_OVERHEAD + stringBytes(token) + stringBytes(hash));
    }
    return hash;
  }

  private dropRoom(roomId: string): void {
    const hashes = this.byRoom.get(roomId);
    if (!hashes) return;
    this.byRoom.delete(roomId);
    for (const hash of hashes) this.cache.delete(hash);
  }

  private dropWhere(match: (cred: AgentCredential) => boolean): void {
    this.cache.deleteWhere((cred) => cred !== null && match(cred));
  }

  /** Entries and accounted bytes of the two caches (for tests and diagnostics). */
  cacheStats(): { hashes: { entries: number; bytes: number }; credentials: { entries: number; bytes: number }; maxBytes: number } {
    return {
      hashes: { entries: this.hashes.size, bytes: this.hashes.bytes },
      credentials: { entries: this.cache.size, bytes: this.cache.bytes },
      maxBytes: AUTH_CACHE_BYTES,
    };
  }

  /** The bearer secret of an Authorization header, or null when there is none. */
  static bearerOf(header: string | undefined | null): string | null {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new SyncError('invalid_token', 'The Authorization header must be "Bearer <token>".');
    return match[1]!;
  }

  /**
   * The caller for an operation on a room, decided by the core's one authorisation function:
   * a `tok_` bearer by its scope, its user's role and its embodiment; a legacy bearer (or none)
   * resolved to its room caller first (D19). `agent` is the agent a join asks to become.
   */
  async callerFor(roomId: string, header: string | undefined | null, op: Operation = 'read_context', agent?: string | null): Promise<Caller> {
    // An invocation is decided through the caller's kind (authorize gives admin at full level,
    // agent at write level with an agent, viewer otherwise — exactly its invoke rule): the write
    // service then refuses a viewer or nobody inside the room lock, so the refusal is audited.
    if (op === 'invoke' || op === 'register') op = 'read_context';
    const token = BearerAuth.bearerOf(header);
    if (token !== null && token.startsWith('tok_') && this.identity) {
      return this.identity.authorize(await this.identity.principal(token, roomId), roomId, op, agent);
    }
    const caller = await this.legacyCaller(roomId, token);
    return requireAllowed(authorize({ kind: 'legacy', caller }, { id: roomId, role: null }, op, { localMode: this.services.deps.options.localMode, agent }));
  }

  /** The principal behind a bearer for the roomless routes (tokens API, room creation): null for none. */
  async principalFor(header: string | undefined | null, roomId: string | null = null): Promise<Principal | null> {
    const token = BearerAuth.bearerOf(header);
    if (token === null) return null;
    if (token.startsWith('tok_') && this.identity) return this.identity.principal(token, roomId);
    return { kind: 'legacy', caller: roomId === null ? ANONYMOUS : await this.legacyCaller(roomId, token) };
  }

  private async legacyCaller(roomId: string, token: string | null): Promise<Caller> {
    if (token === null) return ANONYMOUS;
    const hash = this.hashOf(token);
    if (token.startsWith('room_') || token.startsWith('view_')) {
      const room = await this.roomRecord(roomId);
      if (token.startsWith('room_') && sameHash(hash, room.tokenHash)) return { kind: 'admin', agentId: null };
      if (token.startsWith('view_') && room.viewTokenHash && sameHash(hash, room.viewTokenHash)) return { kind: 'viewer', agentId: null };
      throw new SyncError('invalid_token', `This token is not valid for the room ${roomId}.`);
    }
    const cred = await this.credential(hash);
    if (!cred || cred.revokedAt !== null || cred.roomId !== roomId) {
      throw new SyncError('invalid_token', `This token is not valid for the room ${roomId}.`);
    }
    const room = await this.services.registry.get(roomId);
    const agent = room.agents.get(cred.agentId);
    if (agent?.grants.includes('*')) return { kind: 'admin', agentId: cred.agentId };
    return { kind: 'agent', agentId: cred.agentId };
  }

  /** Rooms a bearer can see (GET /rooms): its room for room and view tokens, its agent's room. */
  async roomsFor(header: string | undefined | null): Promise<string[]> {
    const token = BearerAuth.bearerOf(header);
    if (token === null) return [];
    if (token.startsWith('tok_') && this.identity) {
      // The user's rooms that this token's scope reaches (§11 item 7: listings follow the scope).
      return [...(await this.identity.memberships(await this.identity.principal(token, null))).keys()];
    }
    return this.store.roomsForCredential(hashToken(token));
  }

  /**
   * The room's token hashes. On a shared store they are read from the store on each request: a
   * rotation or re-join through another process is refused at once, not once its notice arrives.
   */
  private async roomRecord(roomId: string): Promise<RoomRecord> {
    const room = (await this.services.registry.get(roomId)).room;
    const rooms = this.services.deps.store;
    if (rooms.exclusive) return room;
    return (await rooms.getRoom(roomId)) ?? room;
  }

  private async credential(hash: string): Promise<AgentCredential | null> {
    // Shared store: a live credential is confirmed by the store every time (one primary-key read);
    // the cache then only spares lookups of unknown hashes and of this process's own revocations.
    if (this.cache.has(hash) && (this.services.deps.store.exclusive || this.cache.get(hash) === null)) return this.cache.get(hash)!;
    const cred = await this.store.findAgentCredential(hash);
    const bytes = ENTRY_OVERHEAD + stringBytes(hash) + (cred ? ENTRY_OVERHEAD + stringBytes(cred.hash + cred.roomId + cred.agentId) : 0);
    this.cache.set(hash, cred, bytes);
    if (cred) {
      let hashes = this.byRoom.get(cred.roomId);
      if (!hashes) this.byRoom.set(cred.roomId, (hashes = new Set()));
      // Hashes the LRU evicted linger here until their room's next drop; prune them now and then.
      if (hashes.size >= 1024 && (hashes.size & 1023) === 0) for (const h of hashes) if (!this.cache.has(h)) hashes.delete(h);
      hashes.add(hash);
    }
    return cred;
  }
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
