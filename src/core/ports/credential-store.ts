// The credential port: what an agent credential's hash (`as_` tokens) stands for. Split from the
// room store (issue 9); users, passkeys and `tok_` tokens live in the IdentityStore port. Agent
// credentials are issued and revoked by room commits (a join issues one, a re-join revokes the
// old): those changes ride in the commit's batch and each adapter applies them in the room
// commit's own transaction, so a join never leaves an agent without its token or the reverse.
// Adapters: memory, SQLite, PostgreSQL, each sharing its room store's database.

export interface AgentCredential {
  hash: string;
  roomId: string;
  agentId: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Agent credentials a commit issues or revokes (hashes only; secrets never reach the store). */
export interface CredentialChange {
  at: number;
  revokeAgent?: string;
  issue?: { agentId: string; hash: string };
}

export interface CredentialStore {
  findAgentCredential(hash: string): Promise<AgentCredential | null>;
  /** Rooms in which this hash is live: an agent credential, a room's admin token or its view token. */
  roomsForCredential(hash: string): Promise<string[]>;
}
