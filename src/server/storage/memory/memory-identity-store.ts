// The identity store in memory: for tests and `--store memory`. Maps only (hostile ids are keys).
import type {
  ChallengeRecord, DeviceCodeRecord, IdentityStore, PasskeyRecord, RecoveryCodeRecord, RoomRole, SessionRecord, TokenKind, TokenRecord, UserRecord,
} from '../../../core/ports/identity-store.js';
import { MemoryOAuthStore } from './memory-oauth-store.js';

const copy = <T extends object>(x: T): T => structuredClone(x);
const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export class MemoryIdentityStore implements IdentityStore {
  readonly oauth = new MemoryOAuthStore();
  private readonly users = new Map<string, UserRecord>();
  private readonly passkeys = new Map<string, PasskeyRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly embodiments = new Map<string, { userId: string; agentId: string }>();
  private readonly devices = new Map<string, DeviceCodeRecord>();
  private readonly roles = new Map<string, RoomRole>();
  private readonly hits = new Map<string, number>();
  private readonly challenges = new Map<string, ChallengeRecord>();
  private readonly recovery = new Map<string, RecoveryCodeRecord>();

  async createUser(user: UserRecord) {
    if (this.users.has(user.id) || [...this.users.values()].some((u) => u.username === user.username)) return null;
    this.users.set(user.id, copy(user));
    return copy(user);
  }
  async userById(id: string) {
    const u = this.users.get(id);
    return u ? copy(u) : null;
  }
  async userByName(username: string) {
    const u = [...this.users.values()].find((x) => x.username === username);
    return u ? copy(u) : null;
  }
  async listUsers() {
    return [...this.users.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(copy);
  }
  async countUsers() {
    return this.users.size;
  }

  async addPasskey(p: PasskeyRecord) {
    if (this.passkeys.has(p.id)) return false;
    this.passkeys.set(p.id, copy(p));
    return true;
  }
  async passkey(id: string) {
    const p = this.passkeys.get(id);
    return p ? copy(p) : null;
  }
  async passkeysOf(userId: string) {
    return [...this.passkeys.values()].filter((p) => p.userId === userId).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(copy);
  }
  async touchPasskey(id: string, counter: number, at: number) {
    const p = this.passkeys.get(id);
    if (p) Object.assign(p, { counter, lastUsedAt: at });
  }
  async removePasskey(userId: string, id: string) {
    const p = this.passkeys.get(id);
    if (!p || p.userId !== userId) return false;
    return this.passkeys.delete(id);
  }

  async createChallenge(c: ChallengeRecord) {
    if (this.challenges.has(c.id)) throw new Error('duplicate challenge');
    this.challenges.set(c.id, copy(c));
  }
  async takeChallenge(id: string) {
    const c = this.challenges.get(id);
    this.challenges.delete(id);
    return c ? copy(c) : null;
  }

  async addRecoveryCode(c: RecoveryCodeRecord) {
    const clash = [...this.recovery.values()].some((x) => x.hash === c.hash || (x.userId === c.userId && x.slot === c.slot));
    if (clash || this.recovery.has(c.id)) return false;
    this.recovery.set(c.id, copy(c));
    return true;
  }
  async recoveryCodesOf(userId: string) {
    return [...this.recovery.values()].filter((c) => c.userId === userId).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(copy);
  }
  async recoveryCodeByHash(hash: string) {
    const c = [...this.recovery.values()].find((x) => x.hash === hash);
    return c ? copy(c) : null;
  }
  async removeRecoveryCode(userId: string, id: string) {
    const c = this.recovery.get(id);
    if (!c || c.userId !== userId) return false;
    return this.recovery.delete(id);
  }
  async dropDeadRecoveryCodes(userId: string, at: number) {
    for (const [k, c] of this.recovery) if (c.userId === userId && (c.usedAt !== null || c.expiresAt <= at)) this.recovery.delete(k);
  }
  async bindRecoveryCode(id: string, sessionHash: string) {
    const c = this.recovery.get(id);
    if (!c || c.usedAt !== null) return false;
    c.sessionHash = sessionHash;
    return true;
  }
  async useRecoveryCode(sessionHash: string, at: number) {
    const c = [...this.recovery.values()].find((x) => x.sessionHash === sessionHash && x.usedAt === null && x.expiresAt > at);
    if (!c) return null;
    c.usedAt = at;
    return copy(c);
  }

  async createSession(s: SessionRecord) {
    this.sessions.set(s.hash, copy(s));
  }
  async session(hash: string) {
    const s = this.sessions.get(hash);
    return s ? copy(s) : null;
  }
  async revokeSession(hash: string, at: number) {
    const s = this.sessions.get(hash);
    if (!s || s.revokedAt !== null) return false;
    s.revokedAt = at;
    return true;
  }

  async insertTokens(tokens: TokenRecord[]) {
    if (tokens.some((t) => this.tokens.has(t.id) || [...this.tokens.values()].some((x) => x.hash === t.hash))) throw new Error('duplicate token');
    for (const t of tokens) this.tokens.set(t.id, copy(t));
  }
  async tokenByHash(hash: string) {
    const t = [...this.tokens.values()].find((x) => x.hash === hash);
    return t ? copy(t) : null;
  }
  async tokenById(id: string) {
    const t = this.tokens.get(id);
    return t ? copy(t) : null;
  }
  async tokensOf(userId: string, kind: TokenKind) {
    return [...this.tokens.values()].filter((t) => t.userId === userId && t.kind === kind).sort(newestFirst).map(copy);
  }
  async setTokenScope(id: string, scope: string, expected?: string) {
    const t = this.tokens.get(id);
    if (!t || t.revokedAt !== null || (expected !== undefined && t.scope !== expected)) return false;
    t.scope = scope;
    return true;
  }
  async revokeToken(id: string, at: number) {
    const t = this.tokens.get(id);
    if (!t || t.revokedAt !== null) return false;
    t.revokedAt = at;
    for (const r of this.tokens.values()) if (r.pairId === id && r.revokedAt === null) r.revokedAt = at;
    return true;
  }
  async revokeFamily(family: string, at: number) {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.family === family && t.revokedAt === null) {
        t.revokedAt = at;
        n++;
      }
    }
    return n;
  }
  async useRefresh(id: string, at: number) {
    const t = this.tokens.get(id);
    if (!t || t.kind !== 'ref_' || t.usedAt !== null || t.revokedAt !== null) return false;
    t.usedAt = at;
    return true;
  }
  async touchToken(id: string, at: number) {
    const t = this.tokens.get(id);
    if (t) t.lastUsedAt = at;
  }

  async setEmbodiment(family: string, userId: string, roomId: string, agentId: string) {
    this.embodiments.set(JSON.stringify([family, roomId]), { userId, agentId });
  }
  async embodiment(family: string, roomId: string) {
    return this.embodiments.get(JSON.stringify([family, roomId]))?.agentId ?? null;
  }
  async agentsOf(userId: string, roomId: string) {
    const out = new Set<string>();
    for (const [key, e] of this.embodiments) if (e.userId === userId && (JSON.parse(key) as string[])[1] === roomId) out.add(e.agentId);
    return [...out].sort();
  }

  async createDeviceCode(d: DeviceCodeRecord) {
    for (const x of this.devices.values()) if (x.userCodeHash === d.userCodeHash || x.deviceHash === d.deviceHash) return false;
    this.devices.set(d.id, copy(d));
    return true;
  }
  async deviceByHash(deviceHash: string) {
    const d = [...this.devices.values()].find((x) => x.deviceHash === deviceHash);
    return d ? copy(d) : null;
  }
  async deviceByUserCode(userCodeHash: string) {
    const d = [...this.devices.values()].find((x) => x.userCodeHash === userCodeHash);
    return d ? copy(d) : null;
  }
  async recordPoll(id: string, at: number, interval: number) {
    const d = this.devices.get(id);
    if (d) Object.assign(d, { lastPolledAt: at, interval });
  }
  async approveDevice(id: string, userId: string, scope: string, at: number) {
    const d = this.devices.get(id);
    if (!d || d.status !== 'pending' || d.expiresAt <= at) return false;
    Object.assign(d, { status: 'approved', userId, approvedScope: scope });
    return true;
  }
  async denyDevice(id: string, at: number) {
    const d = this.devices.get(id);
    if (!d || d.status !== 'pending' || d.expiresAt <= at) return false;
    d.status = 'denied';
    return true;
  }
  async consumeDevice(id: string) {
    const d = this.devices.get(id);
    if (!d || d.status !== 'approved') return false;
    d.status = 'consumed';
    return true;
  }

  async role(userId: string, roomId: string) {
    const r = this.roles.get(JSON.stringify([userId, roomId]));
    return r ? copy(r) : null;
  }
  async setRole(link: RoomRole) {
    const key = JSON.stringify([link.userId, link.roomId]);
    const old = this.roles.get(key);
    this.roles.set(key, copy({ ...link, createdAt: old?.createdAt ?? link.createdAt }));
  }
  async roomMembers(roomId: string) {
    return [...this.roles.values()].filter((r) => r.roomId === roomId).sort(byRole).map(copy);
  }
  async roomsOf(userId: string) {
    return [...this.roles.values()].filter((r) => r.userId === userId).sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0)).map(copy);
  }
  async clearRoom(roomId: string) {
    for (const [key, r] of this.roles) if (r.roomId === roomId) this.roles.delete(key);
    for (const key of this.embodiments.keys()) if ((JSON.parse(key) as string[])[1] === roomId) this.embodiments.delete(key);
  }

  async hit(key: string, windowMs: number, at: number) {
    const bucket = JSON.stringify([key, Math.floor(at / windowMs) * windowMs + windowMs]);
    const n = (this.hits.get(bucket) ?? 0) + 1;
    this.hits.set(bucket, n);
    return n;
  }
  async purge(before: number) {
    for (const [k, s] of this.sessions) if (s.expiresAt < before) this.sessions.delete(k);
    for (const [k, d] of this.devices) if (d.expiresAt < before) this.devices.delete(k);
    for (const [k, c] of this.challenges) if (c.expiresAt < before) this.challenges.delete(k);
    for (const [k, c] of this.recovery) if (c.expiresAt < before) this.recovery.delete(k);
    for (const k of this.hits.keys()) if ((JSON.parse(k) as [string, number])[1] < before) this.hits.delete(k);
    await this.oauth.purge(before);
  }
  async close() {}
}

const ROLE_ORDER = { owner: 0, collaborator: 1, participant: 2, observer: 3 };
function byRole(a: RoomRole, b: RoomRole): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.createdAt - b.createdAt || (a.userId < b.userId ? -1 : 1);
}
