// Agent credentials in PostgreSQL (table agent_credentials), in the room store's database. The
// room store runs the statements of statementsFor() in a commit's own transaction, so a join's
// credential and its agent record commit together; reads go through the room store's query path
// (its pool, its readiness and its lock scope).
import type { AgentCredential, CredentialChange, CredentialStore } from '../../../core/ports/credential-store.js';
import { credentialFromRow, type CredentialRow } from '../sql-rows.js';

export type Statement = [text: string, params: unknown[]];
export type Query = <R>(text: string, params: unknown[]) => Promise<R[]>;

const SQL = {
  revokeAgent: 'UPDATE agent_credentials SET revoked_at = $1 WHERE room_id = $2 AND agent_id = $3 AND revoked_at IS NULL',
  insert: 'INSERT INTO agent_credentials (hash, room_id, agent_id, created_at) VALUES ($1, $2, $3, $4)',
  deleteRoom: 'DELETE FROM agent_credentials WHERE room_id = $1',
  find: 'SELECT * FROM agent_credentials WHERE hash = $1',
  roomsFor: `SELECT room_id AS id FROM agent_credentials WHERE hash = $1 AND revoked_at IS NULL
    UNION SELECT id FROM rooms WHERE token_hash = $1 OR view_token_hash = $1`,
} as const;

export class PostgresCredentialStore implements CredentialStore {
  constructor(private readonly query: Query) {}

  /** What a commit's credential change writes, in order, for the commit's transaction to run. */
  statementsFor(roomId: string, change: CredentialChange | undefined): Statement[] {
    const out: Statement[] = [];
    if (change?.revokeAgent) out.push([SQL.revokeAgent, [change.at, roomId, change.revokeAgent]]);
    if (change?.issue) out.push([SQL.insert, [change.issue.hash, roomId, change.issue.agentId, change.at]]);
    return out;
  }

  /** Removes a room's credentials (in the room deletion's transaction). */
  deleteRoomStatement(roomId: string): Statement {
    return [SQL.deleteRoom, [roomId]];
  }

  async findAgentCredential(hash: string): Promise<AgentCredential | null> {
    const [row] = await this.query<CredentialRow>(SQL.find, [hash]);
    return row ? credentialFromRow(row) : null;
  }

  async roomsForCredential(hash: string): Promise<string[]> {
    return (await this.query<{ id: string }>(SQL.roomsFor, [hash])).map((r) => r.id);
  }
}
