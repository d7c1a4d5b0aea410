// The agent record as the HTTP surface returns it (join and update responses). Pure.
import type { AgentInfo } from '../../protocol/wire/agents.js';
import type { AgentRecord } from '../room/model.js';

export function agentResponse(roomId: string, a: AgentRecord): AgentInfo {
  return {
    id: a.id,
    room_id: roomId,
    name: a.name,
    role: a.role,
    status: a.status,
    waiting_on: a.waiting_on,
    joined_at: new Date(a.joined_at).toISOString(),
    last_heartbeat: new Date(a.last_heartbeat).toISOString(),
    last_seen_seq: a.last_seen_seq,
    grants: a.grants,
    meta: a.meta,
    enabled_expr: a.enabled,
  };
}
