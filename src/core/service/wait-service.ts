// Event-driven waits (D16): a wait answers at once if its condition holds, otherwise it is
// indexed by the paths its condition reads and re-evaluated only when a commit, a timer firing
// or an agent change touches one of them. No polling; idle waits cost nothing.
// The work a change causes is bounded: each evaluation has WAIT_BUDGET, and a room's waits are
// re-evaluated in slices of WAIT_SLICE_BUDGET; what a slice leaves is evaluated in a later slice,
// one room's slice per turn of the event loop, so a busy room cannot starve the others.
import { DEFAULT_STEP_BUDGET, evaluationError, hintFor, runCelMetered, withBudget, type CompiledExpression, type EvalFailure } from '../cel/index.js';
import { SyncError, isSyncError } from '../errors.js';
import { MAX_WAITS_PER_AGENT, MAX_WAITS_PER_ROOM, WAIT_BUDGET, WAIT_SLICE_BUDGET } from '../limits.js';
import type { Timers } from '../ports/timers.js';
import type { Reader } from '../read/policy.js';
import { ReadSession } from '../read/read-session.js';
import { requireReadableDeps } from '../read/static-access.js';
import { waitParts } from '../read/wait-view.js';
import type { RoomState } from '../room/room-state.js';
import { expandTouches } from '../wait/touches.js';
import { resolveSelf, WaiterIndex, type IndexedWaiter } from '../wait/waiter-index.js';
import { parseWaitQuery, type WaitInput, type WaitQuery } from '../wait/wait-query.js';
import { readerOf, type Caller } from './caller.js';
import type { ServiceDeps } from './ports.js';
import type { ReadService } from './read-service.js';
import type { WaitResult } from '../../protocol/wire/live.js';

/** The failure of the latest evaluation of a wait's condition, if it failed. */
interface Tracked {
  lastError: EvalFailure | null;
}

interface PendingWait extends IndexedWaiter {
  readonly reader: Reader;
  readonly condition: CompiledExpression;
  readonly tracked: Tracked;
  /** true: it holds; false: timed out; null: the client left; an error: it cannot go on. */
  settle(outcome: boolean | null | SyncError): void;
}

export interface WaitStats {
  pending: number;
  evaluations: number;
  /** Slices run after the first one of a change (the re-evaluation of a room went past WAIT_SLICE_BUDGET). */
  laterSlices: number;
}

export class WaitService {
  private readonly index = new WaiterIndex<PendingWait>();
  private readonly waitingAgents = new Map<string, number>();
  /** Per room, the agents this process holds waits of, with the latest condition (re-asserted after remote changes). */
  private readonly heldInRoom = new Map<string, Map<string, string>>();
  private readonly pendingRooms = new Map<string, number>();
  private readonly pendingPerAgent = new Map<string, number>();
  /** Per room, the waits a change may have made true that are not evaluated yet. */
  private readonly dirty = new Map<string, Set<PendingWait>>();
  /** Rooms with dirty waits left for a later slice, in turn. */
  private readonly queue: string[] = [];
  private sliceArmed = false;
  /** The room whose slice is running: settling a wait changes presence, which lands here again. */
  private slicing: string | null = null;
  private evaluations = 0;
  private laterSlices = 0;
  private stopping = false;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly reads: ReadService,
    private readonly timers: Timers,
    private readonly maxTimeoutMs: number,
  ) {
    deps.registry.onCommit((room, _batch, touches, remote) => {
      // Another process's presence write may have set an agent we hold a wait of `active`: we
      // own that status while we hold the wait, so it is waiting again (and written so).
      if (remote) this.reassertWaiting(room);
      this.changed(room, touches);
    });
    deps.presence.onTouch = (room, touches) => this.changed(room, touches);
    // A deleted room's waits answer 404 at once; none may ever see a room created later with its id.
    deps.registry.onForget((roomId) => {
      for (const waiter of this.index.membersOf(roomId)) waiter.settle(roomDeleted(roomId));
      this.dirty.delete(roomId);
    });
  }

  /** Answer every pending wait, and every later one, with 503 (the server is stopping). */
  endAll(): void {
    this.stopping = true;
    for (const waiter of this.index.all()) waiter.settle(stoppingError());
  }

  /** Whether this process holds a pending wait of the agent (which keeps it `waiting`). */
  holds(room: RoomState, agentId: string): boolean {
    return this.waitingAgents.has(waitingKey(room, agentId));
  }

  /** Whether any wait is pending in the room. */
  watching(roomId: string): boolean {
    return this.pendingRooms.has(roomId);
  }

  stats(): WaitStats {
    return { pending: this.index.size, evaluations: this.evaluations, laterSlices: this.laterSlices };
  }

  /** The answer, or null when the caller went away (`signal` aborted) before it. */
  async wait(roomId: string, query: WaitInput, caller: Caller, signal?: AbortSignal): Promise<WaitResult | null> {
    this.reads.requireRead(caller);
    const q = parseWaitQuery(query, this.maxTimeoutMs);
    const reader = waitReader(caller, q.agent);
    const room = await this.deps.registry.get(roomId);
    if (!reader.admin) requireReadableDeps(q.condition.deps, 'condition', { reader, selfReadable: reader.agentId !== null, describe: reader.agentId ?? 'a reader without an agent' });
    const started = this.deps.clock.now();
    this.evaluations++;
    const first = runCelMetered(q.condition, new ReadSession(room, reader, started).context(), WAIT_BUDGET);
    if (!first.outcome.ok && first.outcome.error.costExceeded) throw costError(q.condition.source, 'is refused');
    if (first.outcome.ok && first.outcome.value === true) return this.reply(room, q, caller, reader, true, started, null);
    this.admit(room.id, reader.agentId);
    const tracked: Tracked = { lastError: first.outcome.ok ? null : first.outcome.error };
    const triggered = await this.pend(room, reader, q, tracked, signal);
    if (triggered instanceof SyncError) throw triggered;
    if (triggered === null) return null;
    // Nothing of a room created later with the same id may answer a wait on the deleted one.
    const current = await this.deps.registry.get(roomId).catch((error: unknown) => {
      throw isSyncError(error) && error.code === 'room_not_found' ? roomDeleted(roomId) : error;
    });
    if (current.incarnation !== room.incarnation) throw roomDeleted(roomId);
    return this.reply(current, q, caller, reader, triggered, started, tracked.lastError);
  }

  // Refuse a wait past the room's or the agent's limit of pending waits.
  private admit(roomId: string, agentId: string | null): void {
    if ((this.pendingRooms.get(roomId) ?? 0) >= MAX_WAITS_PER_ROOM) {
      throw new SyncError('too_many_waits', `This room already holds ${MAX_WAITS_PER_ROOM} pending waits, the most it may hold; try again when some have ended.`, { limit: MAX_WAITS_PER_ROOM, per: 'room' });
    }
    if (agentId && (this.pendingPerAgent.get(agentKey(roomId, agentId)) ?? 0) >= MAX_WAITS_PER_AGENT) {
      throw new SyncError('too_many_waits', `${agentId} already has ${MAX_WAITS_PER_AGENT} pending waits in this room, the most an agent may have; end one or combine conditions with ||.`, {
        limit: MAX_WAITS_PER_AGENT,
        per: 'agent',
        agent: agentId,
      });
    }
  }

  private pend(room: RoomState, reader: Reader, q: WaitQuery, tracked: Tracked, signal?: AbortSignal): Promise<boolean | null | SyncError> {
    return new Promise((resolve) => {
      let handle: unknown = null;
      const onAbort = () => waiter.settle(null);
      const waiter: PendingWait = {
        roomId: room.id,
        reader,
        condition: q.condition,
        tracked,
        deps: resolveSelf(q.condition.deps, reader.agentId),
        settle: (triggered) => {
          if (!this.index.remove(waiter)) return;
          this.dirty.get(room.id)?.delete(waiter);
          this.countPending(room.id, reader.agentId, -1);
          this.timers.cancel(handle);
          signal?.removeEventListener('abort', onAbort);
          this.release(room, reader.agentId);
          resolve(triggered);
        },
      };
      if (signal?.aborted) return resolve(null);
      if (!this.deps.registry.isCurrent(room)) return resolve(roomDeleted(room.id));
      if (this.stopping) return resolve(stoppingError());
      this.index.add(waiter);
      this.countPending(room.id, reader.agentId, 1);
      handle = this.timers.set(() => waiter.settle(false), q.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.hold(room, reader.agentId, q.condition.source);
    });
  }

  /** Mark the waits a change can affect for re-evaluation and run the room's first slice now. */
  private changed(room: RoomState, direct: ReadonlySet<string>): void {
    if (!this.index.watches(room.id)) return;
    const candidates = this.index.candidates(room.id, expandTouches(room, new Set(direct)));
    if (candidates.size === 0) return;
    let dirty = this.dirty.get(room.id);
    if (!dirty) this.dirty.set(room.id, (dirty = new Set()));
    for (const waiter of candidates) dirty.add(waiter);
    // Inside a running slice the new candidates join its loop (or a later slice), never a nested one.
    if (this.slicing === room.id) return;
    if (this.slicing !== null) return this.later(room.id);
    this.slice(room);
  }

  // Evaluate the room's dirty waits, oldest first, until WAIT_SLICE_BUDGET is spent; settle those
  // that hold, end those that run past WAIT_BUDGET, and leave the rest for a later slice.
  private slice(room: RoomState): void {
    const dirty = this.dirty.get(room.id);
    if (!dirty) return;
    this.slicing = room.id;
    try {
      this.evaluateDirty(room, dirty);
    } finally {
      this.slicing = null;
    }
    if (dirty.size === 0) this.dirty.delete(room.id);
    else this.later(room.id);
  }

  // Waits added while the loop runs (settling one changes presence) are visited by the same loop.
  private evaluateDirty(room: RoomState, dirty: Set<PendingWait>): void {
    const now = this.deps.clock.now();
    const sessions = new Map<string, ReadSession>();
    let spent = 0;
    for (const waiter of dirty) {
      if (spent >= WAIT_SLICE_BUDGET) break;
      dirty.delete(waiter);
      const key = `${waiter.reader.agentId ?? ''}\u0000${waiter.reader.admin}`;
      let session = sessions.get(key);
      if (!session) sessions.set(key, (session = new ReadSession(room, waiter.reader, now)));
      this.evaluations++;
      const { outcome, cost } = runCelMetered(waiter.condition, session.context(), WAIT_BUDGET);
      spent += cost;
      waiter.tracked.lastError = outcome.ok ? null : outcome.error;
      if (outcome.ok && outcome.value === true) waiter.settle(true);
      else if (!outcome.ok && outcome.error.costExceeded) waiter.settle(costError(waiter.condition.source, 'was ended'));
    }
  }

  private later(roomId: string): void {
    if (!this.queue.includes(roomId)) this.queue.push(roomId);
    if (this.sliceArmed) return;
    this.sliceArmed = true;
    this.timers.set(() => this.nextSlice(), 0);
  }

  // One room's slice per turn; a room with more left goes to the back of the line.
  private nextSlice(): void {
    this.sliceArmed = false;
    const roomId = this.queue.shift();
    if (roomId === undefined) return;
    const room = this.deps.registry.cached(roomId);
    if (room) {
      this.laterSlices++;
      this.slice(room);
    } else this.dirty.delete(roomId);
    if (this.queue.length && !this.sliceArmed) {
      this.sliceArmed = true;
      this.timers.set(() => this.nextSlice(), 0);
    }
  }

  private async reply(room: RoomState, q: WaitQuery, caller: Caller, reader: Reader, triggered: boolean, started: number, lastError: EvalFailure | null): Promise<WaitResult> {
    const body: WaitResult = { triggered, condition: q.condition.source };
    if (!triggered) {
      body.timeout = true;
      body.elapsed_ms = this.deps.clock.now() - started;
      // Why it never held: the condition ran with the waiter's own read rights, so the error quotes
      // only what the waiter may read (a view's error is already hidden from non-owners).
      if (lastError) {
        const error = evaluationError(lastError, 'condition', q.condition.source);
        body.last_error = { error: error.code, detail: error.details.detail, hint: error.details.hint };
      }
    }
    const readerCaller: Caller = reader.agentId !== readerOf(caller).agentId ? { kind: caller.kind, agentId: reader.agentId } : caller;
    if (q.include) Object.assign(body, withBudget(DEFAULT_STEP_BUDGET, () => waitParts(new ReadSession(room, reader, this.deps.clock.now()), q.condition, q.include!)));
    else body.context = await this.reads.contextFor(room, q.context, readerCaller);
    return body;
  }

  private reassertWaiting(room: RoomState): void {
    const held = this.heldInRoom.get(room.id);
    if (!held) return;
    for (const [agentId, condition] of held) {
      const agent = room.agents.get(agentId);
      if (agent && agent.status !== 'waiting' && this.waitingAgents.has(waitingKey(room, agentId))) {
        this.deps.presence.setWaiting(room, agentId, condition, this.deps.clock.now());
      }
    }
  }

  private countPending(roomId: string, agentId: string | null, delta: number): void {
    bump(this.pendingRooms, roomId, delta);
    if (agentId) bump(this.pendingPerAgent, agentKey(roomId, agentId), delta);
  }

  // An agent is `waiting` while it has at least one pending wait (D16).
  private hold(room: RoomState, agentId: string | null, condition: string): void {
    if (!agentId || !room.agents.has(agentId)) return;
    const key = waitingKey(room, agentId);
    this.waitingAgents.set(key, (this.waitingAgents.get(key) ?? 0) + 1);
    let held = this.heldInRoom.get(room.id);
    if (!held) this.heldInRoom.set(room.id, (held = new Map()));
    held.set(agentId, condition);
    this.deps.presence.setWaiting(room, agentId, condition, this.deps.clock.now());
  }

  private release(room: RoomState, agentId: string | null): void {
    if (!agentId) return;
    const key = waitingKey(room, agentId);
    const left = (this.waitingAgents.get(key) ?? 0) - 1;
    if (left > 0) return void this.waitingAgents.set(key, left);
    if (!this.waitingAgents.delete(key)) return;
    const held = this.heldInRoom.get(room.id);
    if (held?.delete(agentId) && held.size === 0) this.heldInRoom.delete(room.id);
    // The room may have been reloaded (same incarnation) or deleted (then nobody is left to update).
    const current = this.deps.registry.cached(room.id);
    if (current && current.incarnation === room.incarnation) this.deps.presence.setWaiting(current, agentId, null, this.deps.clock.now());
  }
}

function bump(counts: Map<string, number>, key: string, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

function agentKey(roomId: string, agentId: string): string {
  return `${roomId}\u0000${agentId}`;
}

function costError(condition: string, what: string): SyncError {
  return new SyncError('cel_cost_exceeded', `The wait condition ${what}: one evaluation may cost at most ${WAIT_BUDGET} units.`, {
    field: 'condition',
    expression: condition,
    budget: WAIT_BUDGET,
    hint: hintFor('cost'),
  });
}

function waitingKey(room: RoomState, agentId: string): string {
  return `${room.id}\u0000${room.incarnation}\u0000${agentId}`;
}

function roomDeleted(roomId: string): SyncError {
  return new SyncError('room_not_found', `The room ${roomId} was deleted while this wait was pending.`, { room: roomId, deleted: true });
}

function stoppingError(): SyncError {
  return new SyncError('service_unavailable', 'The server is stopping; wait again in a moment.', { retry_after: 1 });
}

/** Whose eyes a wait evaluates with: the caller, or (admins only) the named agent. */
function waitReader(caller: Caller, agent: string | null): Reader {
  const reader = readerOf(caller);
  if (agent === null || agent === reader.agentId) return reader;
  if (caller.kind === 'admin') return { agentId: agent, admin: true };
  if (caller.kind === 'anonymous') {
    throw new SyncError('authentication_required', `Waiting as ${agent} needs ${agent}'s agent token or the room token.`, {
      hint: 'Send the token the join returned as Authorization: Bearer <token>, or leave out agent to wait as an anonymous reader.',
    });
  }
  throw new SyncError('identity_mismatch', `This token cannot wait as ${agent}.`, { authenticated_as: reader.agentId, claimed: agent });
}
