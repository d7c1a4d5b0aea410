// Agent credentials in memory, beside a MemoryRoomStore (which applies a commit's credential change
// together with the rest of the batch, after checking it can).
import type { AgentCredential, CredentialChange, CredentialStore } from '../../../core/ports/credential-store.js';

export class MemoryCredentialStore implements CredentialStore {
  private readonly byHash = new Map<string, AgentCredential>();

  /** `roomsWithToken(hash)`: the rooms whose admin or view token has this hash. */
  constructor(private readonly roomsWithToken: (hash: string) => string[]) {}

  /** Throws what the SQL stores' keys would refuse, before anything is changed. */
  check(roomId: string, change: CredentialChange | undefined): void {
    const hash = change?.issue?.hash;
    if (hash !== undefined && this.byHash.has(hash)) throw new Error(`an agent credential with this hash already exists (room ${roomId})`);
  }

  apply(roomId: string, change: CredentialChange | undefined): void {
    if (change?.revokeAgent) {
      for (const c of this.byHash.values()) if (c.roomId === roomId && c.agentId === change.revokeAgent && c.revokedAt === null) c.revokedAt = change.at;
    }
    if (change?.issue) this.byHash.set(change.issue.hash, { hash: change.issue.hash, roomId, agentId: change.issue.agentId, createdAt: change.at, revokedAt: null });
  }

  deleteRoom(roomId: string): void {
    for (const [hash, cred] of this.byHash) if (cred.roomId === roomId) this.byHash.delete(hash);
  }

  async findAgentCredential(hash: string): Promise<AgentCredential | null> {
    const cred = this.byHash.get(hash);
    return cred ? { ...cred } : null;
  }

  async roomsForCredential(hash: string): Promise<string[]> {
    const out = new Set<string>();
    const cred = this.byHash.get(hash);
    if (cred && cred.revokedAt === null) out.add(cred.roomId);
    for (const id of this.roomsWithToken(hash)) out.add(id);
    return [...out];
  }
}
