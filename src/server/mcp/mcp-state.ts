// What MCP remembers. Per credential (principal key), across its MCP sessions: rooms it gained
// over MCP (created → admin, joined → that agent) and how it narrowed its own access. Per MCP
// session: the agent it embodies in each room. Embodiment is exclusive: an agent embodied by a
// session of one credential cannot be taken by another credential (see
// docs/mcp.md). Per-credential state and embodiment claims are in McpCredentialStore; a session's
// own view of its embodiments is cached here and checked against its claim on use.

import { MemoryCredentialStore, type Grant, type Holder, type McpCredentialStore, type Restriction, type StoredSession } from './credential-store.js';

export type { Grant, Restriction, StoredSession };

export class McpState {
  /** MCP session id → room → embodied agent. */
  private readonly sessions = new Map<string, Map<string, string>>();

  private readonly local = new MemoryCredentialStore();

  /**
   * `credentials` keeps what belongs to a bearer credential (sessions without one keep theirs in
   * memory) and every embodiment claim, with a lease renewed on use (a crashed process's claims
   * lapse after `leaseMs`).
   */
  constructor(
    private readonly credentials: McpCredentialStore = new MemoryCredentialStore(),
    private readonly leaseMs = 60 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Where sessions that outlive their process are kept (bearer credentials only). */
  get sessionStore(): Pick<McpCredentialStore, 'saveSession' | 'touchSession' | 'setSubscriptions' | 'dropSession'> {
    return this.credentials;
  }

  private storeFor(key: string): McpCredentialStore {
    return key.startsWith('bearer:') ? this.credentials : this.local;
  }

  grant(key: string, roomId: string, grant: Grant): Promise<void> {
    return this.storeFor(key).grant(key, roomId, grant);
  }

  async grantOf(key: string, roomId: string): Promise<Grant | undefined> {
    return (await this.storeFor(key).grants(key)).get(roomId);
  }

  async grantedRooms(key: string): Promise<string[]> {
    return [...(await this.storeFor(key).grants(key)).keys()];
  }

  embodiedIn(session: string, roomId: string): string | undefined {
    return this.sessions.get(session)?.get(roomId);
  }

  embodiments(session: string): Array<{ room: string; agent: string }> {
    return [...(this.sessions.get(session) ?? [])].map(([room, agent]) => ({ room, agent }));
  }

  /** Live embodiments in a room (every process's): agent → holder. */
  holders(roomId: string): Promise<Map<string, Holder>> {
    return this.credentials.holders(roomId, this.now());
  }

  /**
   * Embody atomically, across processes. Another credential's session keeps its agent (false);
   * a session of the same credential hands it over (a reconnecting client gets its agent back).
   * Replaces this session's previous agent in the room.
   */
  async embody(principal: string, session: string, roomId: string, agentId: string): Promise<boolean> {
    const now = this.now();
    if (!(await this.credentials.claim({ roomId, agentId, principal, session, now, expiresAt: now + this.leaseMs }))) return false;
    const previous = this.embodiedIn(session, roomId);
    if (previous !== undefined && previous !== agentId) await this.credentials.release(roomId, { agentId: previous, session });
    let rooms = this.sessions.get(session);
    if (!rooms) this.sessions.set(session, (rooms = new Map()));
    rooms.set(roomId, agentId);
    return true;
  }

  /**
   * This session's agent in the room if it still holds it (another session of the credential
   * may have taken it over, on any process); renews the claim's lease.
   */
  async current(session: string, roomId: string): Promise<string | undefined> {
    const agentId = this.embodiedIn(session, roomId);
    if (agentId === undefined) return undefined;
    if (await this.credentials.renew(roomId, agentId, session, this.now() + this.leaseMs)) return agentId;
    this.forgetLocal(session, roomId);
    return undefined;
  }

  private forgetLocal(session: string, roomId: string): void {
    const rooms = this.sessions.get(session);
    rooms?.delete(roomId);
    if (rooms?.size === 0) this.sessions.delete(session);
  }

  /** Release this session's embodiment in the room; the released agent id, if any. */
  async release(session: string, roomId: string): Promise<string | undefined> {
    const agentId = await this.current(session, roomId);
    this.forgetLocal(session, roomId);
    if (agentId !== undefined) await this.credentials.release(roomId, { agentId, session });
    return agentId;
  }

  /** Release every embodiment of every session of this credential in the room (narrowing applies to all). */
  async releaseAll(principal: string, roomId: string): Promise<void> {
    await this.credentials.release(roomId, { principal });
    // Local sessions of the credential notice at their next call (renew fails).
  }

  /** Narrow (never widen): a stronger restriction replaces a weaker one; a second role restriction keeps the first. */
  restrict(key: string, roomId: string, restriction: Restriction): Promise<Restriction> {
    return this.storeFor(key).restrict(key, roomId, restriction);
  }

  restrictionOf(key: string, roomId: string): Promise<Restriction | undefined> {
    return this.storeFor(key).restrictionOf(key, roomId);
  }

  /** A session rebuilt on this process takes up the embodiments it holds (made on any process). */
  async adopt(session: string): Promise<void> {
    const claims = await this.credentials.claimsOf(session, this.now());
    if (claims.size > 0) this.sessions.set(session, claims);
  }

  /** This process forgets an MCP session; `release`: it ended, its embodiments are released. */
  async forgetSession(session: string, release = true): Promise<void> {
    const rooms = [...(this.sessions.get(session) ?? [])];
    this.sessions.delete(session);
    if (release) for (const [roomId, agentId] of rooms) await this.credentials.release(roomId, { agentId, session });
  }

  /** Forget a principal whose state cannot outlive its MCP session (local or open sessions). */
  forgetPrincipal(key: string): void {
    if (!key.startsWith('bearer:')) void this.local.forgetPrincipal(key);
  }

  /** Forget a deleted room everywhere (its restrictions stay: a room made later with the id stays narrowed). */
  async forgetRoom(roomId: string): Promise<void> {
    for (const session of [...this.sessions.keys()]) this.forgetLocal(session, roomId);
    await this.local.forgetRoom(roomId);
    await this.credentials.forgetRoom(roomId);
  }
}
