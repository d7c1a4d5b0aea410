// Agent credentials in the SQLite file (table agent_credentials), on the room store's connection:
// the room store calls apply() inside a commit's transaction, so a join's credential and its agent
// record are written together or not at all.
import type Database from 'better-sqlite3';
import type { AgentCredential, CredentialChange, CredentialStore } from '../../../core/ports/credential-store.js';
import { credentialFromRow, type CredentialRow } from '../sql-rows.js';

export class SqliteCredentialStore implements CredentialStore {
  private readonly sql;

  constructor(db: Database.Database) {
    const p = (text: string) => db.prepare(text);
    this.sql = {
      revokeAgent: p('UPDATE agent_credentials SET revoked_at = ? WHERE room_id = ? AND agent_id = ? AND revoked_at IS NULL'),
      insert: p('INSERT INTO agent_credentials (hash, room_id, agent_id, created_at) VALUES (?, ?, ?, ?)'),
      deleteRoom: p('DELETE FROM agent_credentials WHERE room_id = ?'),
      find: p('SELECT * FROM agent_credentials WHERE hash = ?'),
      roomsFor: p(`SELECT room_id AS id FROM agent_credentials WHERE hash = ? AND revoked_at IS NULL
        UNION SELECT id FROM rooms WHERE token_hash = ? OR view_token_hash = ?`),
    };
  }

  /** Synchronous: call it inside the room commit's transaction. */
  apply(roomId: string, change: CredentialChange | undefined): void {
    if (change?.revokeAgent) this.sql.revokeAgent.run(change.at, roomId, change.revokeAgent);
    if (change?.issue) this.sql.insert.run(change.issue.hash, roomId, change.issue.agentId, change.at);
  }

  /** Synchronous: call it inside the room deletion's transaction. */
  deleteRoom(roomId: string): void {
    this.sql.deleteRoom.run(roomId);
  }

  async findAgentCredential(hash: string): Promise<AgentCredential | null> {
    const row = this.sql.find.get(hash) as CredentialRow | undefined;
    return row ? credentialFromRow(row) : null;
  }

  async roomsForCredential(hash: string): Promise<string[]> {
    return (this.sql.roomsFor.all(hash, hash, hash) as Array<{ id: string }>).map((r) => r.id);
  }
}
