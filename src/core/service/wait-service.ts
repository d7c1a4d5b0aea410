// Event-driven waits (D16): a wait answers at once if its condition holds, otherwise it is
// indexed by the paths its condition reads and re-evaluated only when a commit, a timer firing
// or an agent change touches one of them. No polling; idle waits cost nothing.
import { DEFAULT_STEP_BUDGET, holds, withBudget, type CompiledExpression } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { Timers } from '../ports/timers.js';
import type { Reader } from '../read/policy.js';
import { ReadSession } from '../read/read-session.js';
import { requireReadableDeps } from '../read/static-access.js';
import { waitParts } from '../read/wait-view.js';
import type { RoomState } from '../room/room-state.js';
import { expandTouches } from '../wait/touches.js';
import { resolveSelf, WaiterIndex, type IndexedWaiter } from '../wait/waiter-index.js';
import { parseWaitQuery, type WaitQuery } from '../wait/wait-query.js';
import { readerOf, type Caller } from './caller.js';
import type { ServiceDeps } from './ports.js';
import type { ReadService } from './read-service.js';
import type { Reply } from './write-service.js';

interface PendingWait extends IndexedWaiter {
  readonly reader: Reader;
  readonly condition: CompiledExpression;
  settle(triggered: boolean | null): void;
}

export interface WaitStats {
  pending: number;
  evaluations: number;
}

export class WaitService {
  private readonly index = new WaiterIndex<PendingWait>();
  private readonly waitingAgents = new Map<string, number>();
  private readonly pendingRooms = new Map<string, number>();
  private evaluations = 0;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly reads: ReadService,
    private readonly timers: Timers,
    private readonly maxTimeoutMs: number,
  ) {
    deps.registry.onCommit((room, _batch, touches) => this.changed(room, touches));
    deps.presence.onTouch = (room, touches) => this.changed(room, touches);
  }

  /** Whether any wait is pending in the room. */
  watching(roomId: string): boolean {
    return this.pendingRooms.has(roomId);
  }

  stats(): WaitStats {
    return { pending: this.index.size, evaluations: this.evaluations };
  }

  async wait(roomId: string, query: Record<string, string | undefined>, caller: Caller, signal?: AbortSignal): Promise<Reply> {
    this.reads.requireRead(caller);
    const q = parseWaitQuery(query, this.maxTimeoutMs);
    const reader = waitReader(caller, q.agent);
    const room = await this.deps.registry.get(roomId);
    if (!reader.admin) requireReadableDeps(q.condition.deps, 'condition', { reader, selfReadable: reader.agentId !== null, describe: reader.agentId ?? 'a reader without an agent' });
    const started = this.deps.clock.now();
    this.evaluations++;
    if (holds(q.condition, new ReadSession(room, reader, started).context())) return this.reply(room, q, caller, reader, true, started);
    const triggered = await this.pend(room, reader, q, signal);
    if (triggered === null) return { status: 499, body: {} };
    const current = await this.deps.registry.get(roomId);
    return this.reply(current, q, caller, reader, triggered, started);
  }

  private pend(room: RoomState, reader: Reader, q: WaitQuery, signal?: AbortSignal): Promise<boolean | null> {
    return new Promise((resolve) => {
      let handle: unknown = null;
      const onAbort = () => waiter.settle(null);
      const waiter: PendingWait = {
        roomId: room.id,
        reader,
        condition: q.condition,
        deps: resolveSelf(q.condition.deps, reader.agentId),
        settle: (triggered) => {
          if (!this.index.remove(waiter)) return;
          this.countPending(room.id, -1);
          this.timers.cancel(handle);
          signal?.removeEventListener('abort', onAbort);
          this.release(room.id, reader.agentId);
          resolve(triggered);
        },
      };
      if (signal?.aborted) return resolve(null);
      this.index.add(waiter);
      this.countPending(room.id, 1);
      handle = this.timers.set(() => waiter.settle(false), q.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.hold(room, reader.agentId, q.condition.source);
    });
  }

  /** Re-evaluate the waits a change can affect; settle those whose condition now holds. */
  private changed(room: RoomState, direct: ReadonlySet<string>): void {
    if (!this.index.watches(room.id)) return;
    const candidates = this.index.candidates(room.id, expandTouches(room, new Set(direct)));
    if (candidates.size === 0) return;
    const now = this.deps.clock.now();
    const sessions = new Map<string, ReadSession>();
    for (const waiter of candidates) {
      const key = `${waiter.reader.agentId ?? ''}\u0000${waiter.reader.admin}`;
      let session = sessions.get(key);
      if (!session) sessions.set(key, (session = new ReadSession(room, waiter.reader, now)));
      this.evaluations++;
      if (holds(waiter.condition, session.context())) waiter.settle(true);
    }
  }

  private async reply(room: RoomState, q: WaitQuery, caller: Caller, reader: Reader, triggered: boolean, started: number): Promise<Reply> {
    const body: Record<string, unknown> = { triggered, condition: q.condition.source };
    if (!triggered) {
      body.timeout = true;
      body.elapsed_ms = this.deps.clock.now() - started;
    }
    const readerCaller: Caller = reader.agentId !== readerOf(caller).agentId ? { kind: caller.kind, agentId: reader.agentId } : caller;
    if (q.include) Object.assign(body, withBudget(DEFAULT_STEP_BUDGET, () => waitParts(new ReadSession(room, reader, this.deps.clock.now()), q.condition, q.include!)));
    else body.context = await this.reads.contextFor(room, q.context, readerCaller);
    return { status: 200, body };
  }

  private countPending(roomId: string, delta: number): void {
    const n = (this.pendingRooms.get(roomId) ?? 0) + delta;
    if (n > 0) this.pendingRooms.set(roomId, n);
    else this.pendingRooms.delete(roomId);
  }

  // An agent is `waiting` while it has at least one pending wait (D16).
  private hold(room: RoomState, agentId: string | null, condition: string): void {
    if (!agentId || !room.agents.has(agentId)) return;
    this.waitingAgents.set(`${room.id}\u0000${agentId}`, (this.waitingAgents.get(`${room.id}\u0000${agentId}`) ?? 0) + 1);
    this.deps.presence.setWaiting(room, agentId, condition, this.deps.clock.now());
  }

  private release(roomId: string, agentId: string | null): void {
    if (!agentId) return;
    const key = `${roomId}\u0000${agentId}`;
    const left = (this.waitingAgents.get(key) ?? 0) - 1;
    if (left > 0) return void this.waitingAgents.set(key, left);
    if (!this.waitingAgents.delete(key)) return;
    const room = this.deps.registry.cached(roomId);
    if (room) this.deps.presence.setWaiting(room, agentId, null, this.deps.clock.now());
  }
}

/** Whose eyes a wait evaluates with: the caller, or (admins only) the named agent. */
function waitReader(caller: Caller, agent: string | null): Reader {
  const reader = readerOf(caller);
  if (agent === null || agent === reader.agentId) return reader;
  if (caller.kind === 'admin') return { agentId: agent, admin: true };
  throw new SyncError('identity_mismatch', `This token cannot wait as ${agent}.`, { authenticated_as: reader.agentId, claimed: agent });
}
