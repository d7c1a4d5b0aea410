// OAuth clients, authorization requests and codes in memory: for tests and `--store memory`.
import type { AuthCodeRecord, OAuthClientRecord, OAuthRequestRecord, OAuthStore } from '../../../core/ports/oauth-store.js';

const copy = <T extends object>(x: T): T => structuredClone(x);

export class MemoryOAuthStore implements OAuthStore {
  private readonly clients = new Map<string, OAuthClientRecord>();
  private readonly requests = new Map<string, OAuthRequestRecord>();
  private readonly codes = new Map<string, AuthCodeRecord>();

  async createClient(client: OAuthClientRecord) {
    if (this.clients.has(client.id)) throw new Error('duplicate OAuth client');
    this.clients.set(client.id, copy(client));
  }
  async client(id: string) {
    const c = this.clients.get(id);
    return c ? copy(c) : null;
  }

  async createRequest(request: OAuthRequestRecord) {
    this.requests.set(request.hash, copy(request));
  }
  async request(hash: string) {
    const r = this.requests.get(hash);
    return r ? copy(r) : null;
  }
  async decideRequest(hash: string, at: number) {
    const r = this.requests.get(hash);
    if (!r || r.decidedAt !== null || r.expiresAt <= at) return false;
    r.decidedAt = at;
    return true;
  }

  async createCode(code: AuthCodeRecord) {
    this.codes.set(code.hash, copy(code));
  }
  async code(hash: string) {
    const c = this.codes.get(hash);
    return c ? copy(c) : null;
  }
  async useCode(hash: string, at: number) {
    const c = this.codes.get(hash);
    if (!c) return false;
    if (c.usedAt !== null) {
      c.replayedAt ??= at;
      return false;
    }
    c.usedAt = at;
    return true;
  }

  async purge(before: number) {
    for (const [k, r] of this.requests) if (r.expiresAt < before) this.requests.delete(k);
    for (const [k, c] of this.codes) if (c.expiresAt < before) this.codes.delete(k);
  }
}
