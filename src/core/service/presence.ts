// Soft agent state (heartbeat, read marking, waiting status): updated in memory at once and
// written to the store in the background, because losing a heartbeat on a crash costs nothing
// while writing one per read would double every read's cost.
import { nextEntry } from '../room/entries.js';
import { encodeAgent } from '../room/record-codec.js';
import { RECORD_SCOPES, type AgentRecord } from '../room/model.js';
import { emptyBatch, type RoomState } from '../room/room-state.js';
import { agentPublic } from '../read/derived.js';
import { invalidateViews } from '../read/view-cache.js';
import type { Hasher } from '../ports/hasher.js';
import type { RoomRegistry } from './room-registry.js';

export class Presence {
  private readonly dirty = new Map<string, Set<string>>();
  /** Told about changes that conditions may depend on (set by the wait service). */
  onTouch: ((room: RoomState, touches: Set<string>) => void) | null = null;

  constructor(
    private readonly registry: RoomRegistry,
    private readonly hasher: Hasher,
  ) {
    // A deleted room's soft state goes with it; it must never be written into a new room of the same id.
    registry.onForget((roomId) => this.dirty.delete(roomId));
  }

  /** Record activity by an agent (sync-core §4.4). */
  heartbeat(room: RoomState, agentId: string | null, now: number): void {
    const agent = agentId ? room.agents.get(agentId) : undefined;
    if (!agent) return;
    agent.last_heartbeat = now;
    this.changed(room, agent, null);
  }

  /** Messages up to `seq` have been shown to the agent. */
  markRead(room: RoomState, agentId: string | null, seq: number): void {
    const agent = agentId ? room.agents.get(agentId) : undefined;
    if (!agent || seq <= agent.last_seen_seq) return;
    agent.last_seen_seq = seq;
    this.changed(room, agent, new Set(['m']));
  }

  /** Set `waiting` with the condition, or back to `active` (D16). */
  setWaiting(room: RoomState, agentId: string | null, condition: string | null, now: number): void {
    const agent = agentId ? room.agents.get(agentId) : undefined;
    if (!agent) return;
    agent.status = condition === null ? 'active' : 'waiting';
    agent.waiting_on = condition;
    agent.last_heartbeat = now;
    // A wait lasts at most the longest wait from here: the clock of its expiry on shared stores.
    if (condition === null) delete agent.waiting_since;
    else agent.waiting_since = now;
    this.changed(room, agent, new Set([`a:${agent.id}`, 'a*']));
  }

  /** A `waiting` status nobody holds any more (its process died): `active`, heartbeat kept. */
  expireWaiting(room: RoomState, agentId: string): void {
    const agent = room.agents.get(agentId);
    if (!agent || agent.status !== 'waiting') return;
    agent.status = 'active';
    agent.waiting_on = null;
    delete agent.waiting_since;
    this.changed(room, agent, new Set([`a:${agent.id}`, 'a*']));
  }

  // `touches` names what conditions may observe of the change (status, read counters); null: nothing.
  private changed(room: RoomState, agent: AgentRecord, touches: Set<string> | null): void {
    if (room.celAgents.has(agent.id)) room.celAgents.set(agent.id, agentPublic(agent));
    room.noteAgentChange(agent.id);
    if (touches) {
      invalidateViews(room, touches);
      this.onTouch?.(room, touches);
    }
    let set = this.dirty.get(room.id);
    if (!set) this.dirty.set(room.id, (set = new Set()));
    set.add(agent.id);
  }

  /** Write every pending soft change to the store. */
  async flush(now: number): Promise<void> {
    const pending = [...this.dirty];
    this.dirty.clear();
    for (const [roomId, agentIds] of pending) {
      const room = this.registry.cached(roomId);
      if (!room) continue;
      await this.registry.exclusive(roomId, async (current, tx) => {
        const batch = emptyBatch();
        for (const id of agentIds) {
          const agent = current.agents.get(id);
          if (!agent) continue;
          const prev = current.entry(RECORD_SCOPES.agents, id);
          batch.entries.push({ op: 'put', entry: nextEntry(prev, { scope: RECORD_SCOPES.agents, key: id, value: encodeAgent(agent), writer: prev?.writer ?? null }, now, this.hasher) });
        }
        if (!batch.entries.length) return;
        await tx.commit(batch);
        // Memory is the truth of soft state: what changed while the write was in flight (a wait
        // began) is kept, and written by the next flush, instead of being reset to the snapshot.
        for (const change of batch.entries) {
          const agent = change.op === 'put' ? current.agents.get(change.entry.key) : undefined;
          if (change.op !== 'put' || !agent) continue;
          const live = encodeAgent(agent);
          if (JSON.stringify(live) === JSON.stringify(change.entry.value)) continue;
          change.entry = { ...change.entry, value: live };
          const set = this.dirty.get(roomId) ?? new Set<string>();
          this.dirty.set(roomId, set.add(agent.id));
        }
        current.apply(batch);
        // Soft state has no log record; the notice tells the other processes to read it.
        this.registry.publish('presence', roomId, current.logSeq);
      }).catch(() => {
        const set = this.dirty.get(roomId) ?? new Set<string>();
        for (const id of agentIds) set.add(id);
        this.dirty.set(roomId, set);
      });
    }
  }

  /** Whether the room has soft changes not yet written. */
  pending(roomId: string): boolean {
    return this.dirty.has(roomId);
  }
}
