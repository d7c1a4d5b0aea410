// Reading a room: context (§11), eval (§13.1) and the admin poll of the audit log (D13).
// Every read shows only what the caller may read (D9).
import { compileCel, DEFAULT_STEP_BUDGET, evaluationError, jsonOutcome, runCel, withBudget } from '../cel/index.js';
import { SyncError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { visibleLogRecord } from '../room/audit.js';
import type { Entry, LogRecord, Message } from '../room/model.js';
import { isValidScopeName } from '../../protocol/index.js';
import { MAX_POLL_STATE_PAGE, POLL_STATE_PAGE } from '../limits.js';
import type { RoomState } from '../room/room-state.js';
import { buildContext } from '../read/context-view.js';
import { parseContextQuery, type ContextInput, type ContextQuery } from '../read/context-query.js';
import { readableEntries } from '../read/readable-state.js';
import { ReadSession } from '../read/read-session.js';
import { readerOf, type Caller } from './caller.js';
import type { ServiceDeps } from './ports.js';
import type { Context, EvalResult, Poll } from '../../protocol/wire/reads.js';

export const AUDIT_IN_CONTEXT = 50;

export class ReadService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Rooms are readable by their members, and by anyone in local mode (D21). */
  requireRead(caller: Caller): void {
    if (caller.kind === 'anonymous' && !this.deps.options.localMode) {
      throw new SyncError('authentication_required', 'Reading this room needs a bearer token for it.');
    }
  }

  async context(roomId: string, query: ContextInput, caller: Caller): Promise<Context> {
    this.requireRead(caller);
    const q = parseContextQuery(query);
    const room = await this.deps.registry.get(roomId);
    return this.contextFor(room, q, caller);
  }

  /** Build a context for a loaded room (also used by wait); marks shown messages read. */
  async contextFor(room: RoomState, q: ContextQuery, caller: Caller): Promise<Context> {
    const reader = readerOf(caller);
    const now = this.deps.clock.now();
    this.deps.presence.heartbeat(room, reader.agentId, now);
    const recent = q.messages ? await this.recentMessages(room, q) : [];
    const audit = q.include.includes('_audit') ? await this.deps.store.readLog(room.id, { limit: AUDIT_IN_CONTEXT }) : [];
    const session = new ReadSession(room, reader, now);
    // One cost budget for the whole build, so many expensive views cannot add up (D5).
    const body = withBudget(DEFAULT_STEP_BUDGET, () => buildContext(session, q, { recent, total: room.messageSeq, audit }));
    if (recent.length > 0) this.deps.presence.markRead(room, reader.agentId, recent[recent.length - 1]!.seq);
    return body;
  }

  private async recentMessages(room: RoomState, q: ContextQuery): Promise<Message[]> {
    const after = q.messagesAfter ?? 0;
    const before = q.messagesBefore ?? room.messageSeq + 1;
    const tailStart = room.messages[0]?.seq ?? room.messageSeq + 1;
    const wantedFrom = Math.max(after + 1, Math.min(before, room.messageSeq + 1) - q.messagesLimit);
    if (wantedFrom >= tailStart) {
      return room.messages.filter((m) => m.seq > after && m.seq < before).slice(-q.messagesLimit);
    }
    return this.deps.store.readMessages(room.id, { after, before, limit: q.messagesLimit });
  }

  async evaluate(roomId: string, body: JsonObject, caller: Caller): Promise<EvalResult> {
    this.requireRead(caller);
    if (typeof body.expr !== 'string') throw new SyncError('missing_param', 'The body needs an expr string.', { param: 'expr' });
    const compiled = compileCel(body.expr, 'expr');
    const room = await this.deps.registry.get(roomId);
    const now = this.deps.clock.now();
    const reader = readerOf(caller);
    this.deps.presence.heartbeat(room, reader.agentId, now);
    const outcome = jsonOutcome(runCel(compiled, new ReadSession(room, reader, now).context()));
    if (!outcome.ok) throw evaluationError(outcome.error, 'expr', body.expr);
    return { expression: body.expr, value: outcome.value };
  }

  /** Dashboard bundle: readable entries, view values, action availability, and the audit log newest first. */
  async poll(roomId: string, query: PollInput, caller: Caller): Promise<Poll> {
    this.requireRead(caller);
    const limit = bounded(query.limit, 'limit', 100, 1, 500);
    const stateLimit = bounded(query.stateLimit, 'state_limit', POLL_STATE_PAGE, 1, MAX_POLL_STATE_PAGE);
    const stateAfter = query.stateAfter === undefined ? null : parseStateCursor(query.stateAfter);
    const before = query.before === undefined ? undefined : bounded(query.before, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
    const room = await this.deps.registry.get(roomId);
    const reader = readerOf(caller);
    const session = new ReadSession(room, reader, this.deps.clock.now());
    const audit = await this.deps.store.readLog(room.id, { before, limit });
    const page = statePage(session, stateAfter, stateLimit);
    return withBudget(DEFAULT_STEP_BUDGET, () => ({
      state: page.rows,
      next_state_after: page.next,
      views: Object.fromEntries(session.visibleViews().map((v) => [v.id, session.viewJson(v)])),
      actions: Object.fromEntries(session.visibleActions().map((a) => [a.id, session.actionAvailable(a)])),
      audit: audit.map((r: LogRecord) => visibleLogRecord(r, reader)),
      next_before: audit.length === limit ? audit[audit.length - 1]!.seq : null,
    }));
  }
}

type StateCursor = { scope: string; key: string };

// A page of the readable entries in (scope, key) order after the cursor; `next` is the cursor of
// the following page (`scope/key`; scope names never contain a slash), null on the last one.
function statePage(session: ReadSession, after: StateCursor | null, limit: number): { rows: JsonObject[]; next: string | null } {
  const entries: Entry[] = [];
  for (const e of readableEntries(session)) if (!after || compareEntry(e, after) > 0) entries.push(e);
  entries.sort(compareEntry);
  const page = entries.slice(0, limit);
  const last = page[page.length - 1];
  const rows = page.map((e) => ({ scope: e.scope, key: e.key, value: e.value, version: e.version, revision: e.revision, updated_at: new Date(e.updatedAt).toISOString(), writer: e.writer }));
  return { rows, next: entries.length > limit && last ? `${last.scope}/${last.key}` : null };
}

function compareEntry(a: StateCursor, b: StateCursor): number {
  if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
  return a.key === b.key ? 0 : a.key < b.key ? -1 : 1;
}

function parseStateCursor(raw: string): StateCursor {
  const slash = raw.indexOf('/');
  if (slash <= 0 || !isValidScopeName(raw.slice(0, slash))) {
    throw new SyncError('invalid_query', 'state_after is the next_state_after of a previous page (scope/key).', { param: 'state_after' });
  }
  return { scope: raw.slice(0, slash), key: raw.slice(slash + 1) };
}

/** The audit page a poll asks for: at most `limit` records, strictly before `before`. */
export interface PollInput {
  limit?: number;
  before?: number;
  /** State rows per page, and the `next_state_after` of the previous page. */
  stateLimit?: number;
  stateAfter?: string;
}

function bounded(n: number | undefined, param: string, fallback: number, min: number, max: number): number {
  if (n === undefined) return fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new SyncError('invalid_query', `The query parameter ${param} must be an integer from ${min} to ${max}.`, { param });
  }
  return n;
}
