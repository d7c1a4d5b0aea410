// The in-memory image of one room: entries by scope, decoded records, message tail, counters,
// and the CEL-ready copy of every visible entry. Pure; the service keeps it in step with the store.
import { toCel, type CelMap, type CelValue, type Outcome } from '../cel/index.js';
import type { Json, JsonObject } from '../json.js';
import { decodeAction, decodeAgent, decodeView } from './record-codec.js';
import type { ActionRecord, AgentRecord, Entry, LogRecord, Message, RoomRecord, ViewRecord } from './model.js';
import { RECORD_SCOPES } from './model.js';
import { DeadlineHeap } from '../time/deadline-heap.js';
import { touchKey } from '../wait/touches.js';
import type { CredentialChange } from '../ports/credential-store.js';

export const MESSAGE_TAIL = 500;
const MAX_DERIVED_TOUCHES = 10_000;

export type EntryChange = { op: 'put'; entry: Entry } | { op: 'delete'; scope: string; key: string };

export type { CredentialChange } from '../ports/credential-store.js';

/** Everything one atomic commit changes (D11). */
export interface CommitBatch {
  entries: EntryChange[];
  messages: Message[];
  log: LogRecord[];
  counters: Record<string, number>;
  /** Applied by the credential store of the same database, in this commit's transaction. */
  credentials?: CredentialChange;
  /** The room's new `meta` (PATCH /rooms/:id), committed with the audit record that says so. */
  meta?: JsonObject;
  /** The room's new token hashes (a rotation), committed with the audit record that says so. */
  tokens?: { tokenHash: string; viewTokenHash: string | null };
}

/** What the store hands back when a room is loaded. */
export interface RoomData {
  room: RoomRecord;
  entries: Entry[];
  messagesTail: Message[];
  directed: Array<{ seq: number; to: string[] }>;
  messageSeq: number;
  logSeq: number;
  counters: Record<string, number>;
  invocationCounts: Record<string, number>;
}

export function emptyBatch(): CommitBatch {
  return { entries: [], messages: [], log: [], counters: {} };
}

export class RoomState {
  room: RoomRecord;
  readonly actions = new Map<string, ActionRecord>();
  readonly views = new Map<string, ViewRecord>();
  readonly agents = new Map<string, AgentRecord>();
  readonly messages: Message[] = [];
  readonly directed = new Map<string, number[]>();
  readonly counters = new Map<string, number>();
  readonly invocations = new Map<string, number>();
  messageSeq: number;
  logSeq: number;
  /**
   * Which life of the room id this image belongs to (set by the registry): a room deleted and
   * created again with the same id is a new incarnation, and nothing bound to the old one (a
   * stream, a wait) may see it.
   */
  incarnation = 0;
  /** True when conditional entries and agents must be re-resolved before the next read. */
  derivedStale = true;

  private readonly scopes = new Map<string, Map<string, Entry>>();
  /** CEL copies of visible entries, per scope (conditional entries are placed by the resolver). */
  readonly celScopes = new Map<string, CelMap>();
  /** Entries whose visibility depends on a timer or an `enabled` expression. */
  readonly conditional = new Map<string, Entry>();
  /** Entries (data or records) with a pending wall-clock timer. */
  readonly timed = new Map<string, Entry>();
  /** Conditional entries with an `enabled` expression, in write order. */
  readonly enabledEntries = new Map<string, Entry>();
  /** Timer-only conditional entries put since the last resolution (see read/derived.ts). */
  readonly visibilityDirty = new Set<string>();
  /** Pending deadlines of `timed`, so a firing looks only at what is due. */
  readonly deadlines = new DeadlineHeap<string>((id) => this.timed.get(id)?.timerAt ?? null);
  /** Wall-clock visibility boundaries of timer-only conditional entries (pushed by the resolver). */
  readonly boundaries = new DeadlineHeap<string>((id) => visibilityBoundary(this.conditional.get(id)));
  /** Entries with a logical timer, by the key that ticks them. */
  readonly tickWatchers = new Map<string, Map<string, Entry>>();
  /** Agents with an `enabled` expression. */
  private readonly enabledAgents = new Set<string>();
  /** Work counters (entries and deadlines examined, `enabled` evaluations), so tests count work, not time. */
  readonly work = { examined: 0, enabledEvaluations: 0 };
  /**
   * What commits touched since agents were last resolved (see read/derived.ts), so only agents
   * whose `enabled` reads a touched path are evaluated again; null: evaluate them all.
   */
  derivedTouches: Set<string> | null = null;
  /** CEL copies of the visible agents (placed by the resolver). */
  celAgents: CelMap = new Map();
  /** The next instant a wall-clock timer changes what is visible, if any. */
  nextBoundary: number | null = null;
  /** Outcomes of views that read the same for every reader (see read/view-cache.ts). */
  readonly viewCache = new Map<string, Outcome>();

  constructor(data: RoomData) {
    this.room = data.room;
    this.messageSeq = data.messageSeq;
    this.logSeq = data.logSeq;
    for (const [k, v] of Object.entries(data.counters)) this.counters.set(k, v);
    for (const [k, v] of Object.entries(data.invocationCounts)) this.invocations.set(k, v);
    for (const entry of data.entries) this.putEntry(entry);
    this.messages.push(...data.messagesTail.slice(-MESSAGE_TAIL));
    for (const d of data.directed) this.addDirected(d.seq, d.to);
  }

  get id(): string {
    return this.room.id;
  }

  entry(scope: string, key: string): Entry | undefined {
    return this.scopes.get(scope)?.get(key);
  }

  entriesOf(scope: string): IterableIterator<Entry> | [] {
    return this.scopes.get(scope)?.values() ?? [];
  }

  scopeNames(): IterableIterator<string> {
    return this.scopes.keys();
  }

  /** The earliest pending wall-clock timer in the room, if any. */
  nextTimerAt(): number | null {
    this.deadlines.compact(this.timed.size, () => this.timed.keys());
    return this.deadlines.peek(() => this.work.examined++);
  }

  /** Entries with a wall-clock timer due at `now`; only due deadlines are looked at. */
  dueTimed(now: number): Entry[] {
    return this.deadlines.due(now, () => this.work.examined++).map((id) => this.timed.get(id)!);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Apply a committed batch. Call only after the store accepted it. */
  apply(batch: CommitBatch): void {
    let stale = this.hasEnabledExpressions();
    for (const change of batch.entries) {
      const scope = change.op === 'put' ? change.entry.scope : change.scope;
      const prev = this.entry(scope, change.op === 'put' ? change.entry.key : change.key);
      this.noteDerivedTouch(scope, change.op === 'put' ? change.entry.key : change.key);
      if (scope === RECORD_SCOPES.agents || isConditional(prev) || (change.op === 'put' && isConditional(change.entry))) stale = true;
      if (change.op === 'put') this.putEntry(change.entry);
      else this.deleteEntry(change.scope, change.key);
    }
    for (const message of batch.messages) this.addMessage(message);
    for (const record of batch.log) this.noteLog(record);
    for (const [k, v] of Object.entries(batch.counters)) this.counters.set(k, v);
    if (batch.meta) this.room = { ...this.room, meta: batch.meta };
    if (batch.tokens) this.room = { ...this.room, tokenHash: batch.tokens.tokenHash, viewTokenHash: batch.tokens.viewTokenHash };
    // Re-resolving conditional entries and agents is needed only when this change can alter them.
    if (stale) this.derivedStale = true;
  }

  private noteDerivedTouch(scope: string, key: string): void {
    // Without agent conditions there is nothing to narrow; a long backlog is cheaper to redo whole.
    if (this.enabledAgents.size === 0 || (this.derivedTouches && this.derivedTouches.size > MAX_DERIVED_TOUCHES)) this.derivedTouches = null;
    else if (this.derivedTouches) touchKey(this.derivedTouches, scope, key);
  }

  /** An agent's public fields or presence changed outside a commit (status, heartbeat, `enabled`). */
  noteAgentChange(agentId: string): void {
    if (this.derivedTouches) touchKey(this.derivedTouches, RECORD_SCOPES.agents, agentId);
  }

  /** Whether an entry is currently visible in CEL. */
  celVisible(scope: string, key: string): boolean {
    const obj = this.celScopes.get(scope);
    return !!obj && Object.prototype.hasOwnProperty.call(obj, key);
  }

  // Any `enabled` on an entry or an agent may read what a commit changed.
  private hasEnabledExpressions(): boolean {
    return this.enabledEntries.size > 0 || this.enabledAgents.size > 0;
  }

  private noteLog(record: LogRecord): void {
    if (record.seq > this.logSeq) this.logSeq = record.seq;
    if (record.kind === 'invoke' && record.ok && !record.builtin && record.action) {
      this.invocations.set(record.action, (this.invocations.get(record.action) ?? 0) + 1);
    }
  }

  private addMessage(message: Message): void {
    this.messages.push(message);
    if (this.messages.length > MESSAGE_TAIL) this.messages.splice(0, this.messages.length - MESSAGE_TAIL);
    if (message.seq > this.messageSeq) this.messageSeq = message.seq;
    if (message.to) this.addDirected(message.seq, message.to);
  }

  private addDirected(seq: number, to: string[]): void {
    for (const agent of to) {
      const list = this.directed.get(agent) ?? [];
      list.push(seq);
      this.directed.set(agent, list);
    }
  }

  private putEntry(entry: Entry): void {
    let scope = this.scopes.get(entry.scope);
    if (!scope) this.scopes.set(entry.scope, (scope = new Map()));
    const id = conditionalId(entry.scope, entry.key);
    this.unwatchTicks(id, scope.get(entry.key));
    scope.set(entry.key, entry);
    this.decodeRecord(entry.scope, entry.key, entry.value);
    if (entry.timerAt !== null) {
      if (this.timed.get(id)?.timerAt !== entry.timerAt) this.deadlines.push(entry.timerAt, id);
      this.timed.set(id, entry);
    } else this.timed.delete(id);
    if (entry.enabled) this.enabledEntries.set(id, entry);
    else this.enabledEntries.delete(id);
    if (entry.timer || entry.enabled) {
      this.conditional.set(id, entry);
      this.hideCel(entry.scope, entry.key);
      if (!entry.enabled) this.visibilityDirty.add(id);
      this.watchTicks(id, entry);
    } else {
      this.conditional.delete(id);
      this.showCel(entry.scope, entry.key, toCel(entry.value));
    }
  }

  private watchTicks(id: string, entry: Entry): void {
    const on = entry.timer?.tickOn;
    if (!on || entry.timer!.ticksLeft === undefined || entry.timer!.ticksLeft <= 0) return;
    const tick = conditionalId(on.scope, on.key);
    let watchers = this.tickWatchers.get(tick);
    if (!watchers) this.tickWatchers.set(tick, (watchers = new Map()));
    watchers.set(id, entry);
  }

  private unwatchTicks(id: string, prev: Entry | undefined): void {
    const on = prev?.timer?.tickOn;
    if (!on) return;
    const tick = conditionalId(on.scope, on.key);
    const watchers = this.tickWatchers.get(tick);
    if (watchers?.delete(id) && watchers.size === 0) this.tickWatchers.delete(tick);
  }

  private deleteEntry(scope: string, key: string): void {
    this.unwatchTicks(conditionalId(scope, key), this.entry(scope, key));
    this.enabledEntries.delete(conditionalId(scope, key));
    this.scopes.get(scope)?.delete(key);
    if (this.scopes.get(scope)?.size === 0) this.scopes.delete(scope);
    this.conditional.delete(conditionalId(scope, key));
    this.timed.delete(conditionalId(scope, key));
    this.hideCel(scope, key);
    if (scope === RECORD_SCOPES.actions) this.actions.delete(key);
    else if (scope === RECORD_SCOPES.views) this.views.delete(key);
    else if (scope === RECORD_SCOPES.agents) {
      this.agents.delete(key);
      this.enabledAgents.delete(key);
    }
  }

  private decodeRecord(scope: string, key: string, value: Json): void {
    if (scope === RECORD_SCOPES.actions) this.actions.set(key, decodeAction(key, value));
    else if (scope === RECORD_SCOPES.views) this.views.set(key, decodeView(key, value));
    else if (scope === RECORD_SCOPES.agents) {
      const agent = decodeAgent(key, value);
      this.agents.set(key, agent);
      if (agent.enabled) this.enabledAgents.add(key);
      else this.enabledAgents.delete(key);
    }
  }

  showCel(scope: string, key: string, value: CelValue): void {
    let map = this.celScopes.get(scope);
    if (!map) this.celScopes.set(scope, (map = new Map()));
    map.set(key, value);
  }

  hideCel(scope: string, key: string): void {
    this.celScopes.get(scope)?.delete(key);
  }
}

function isConditional(entry: Entry | undefined): boolean {
  return !!entry && (entry.timer !== null || entry.enabled !== null);
}

// The next instant a timer-only conditional entry changes visibility (its unfired wall-clock deadline).
function visibilityBoundary(entry: Entry | undefined): number | null {
  const t = entry?.timer;
  if (!t || entry!.enabled || t.fired || t.expiresAt === undefined) return null;
  return t.expiresAt;
}

export function conditionalId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}
