// Logical clocks (D15): every committed write to a `tick_on` key advances the timers that watch
// it by one, in the same transaction. Timers started by the batch itself are not ticked. Pure.
import type { Hasher } from '../ports/hasher.js';
import { earliestPending, nextEntry } from '../room/entries.js';
import { encodeAction, encodeView } from '../room/record-codec.js';
import { RECORD_SCOPES, type Entry, type TimerState } from '../room/model.js';
import type { CommitBatch, EntryChange, RoomState } from '../room/room-state.js';

const key = (scope: string, k: string) => `${scope}\u0000${k}`;

/** Count the ticks a batch makes: one per written data key (records and deletions of records excluded). */
function tickCounts(batch: CommitBatch): Map<string, number> {
  const counts = new Map<string, number>();
  for (const change of batch.entries) {
    const scope = change.op === 'put' ? change.entry.scope : change.scope;
    if (scope.startsWith('_') && Object.values(RECORD_SCOPES).includes(scope as never)) continue;
    const id = key(scope, change.op === 'put' ? change.entry.key : change.key);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function ticked(timer: TimerState | null, counts: Map<string, number>): TimerState | null {
  if (!timer?.tickOn || timer.ticksLeft === undefined || timer.ticksLeft <= 0) return null;
  const n = counts.get(key(timer.tickOn.scope, timer.tickOn.key));
  return n ? { ...timer, ticksLeft: Math.max(0, timer.ticksLeft - n) } : null;
}

/** Append to the batch the timer updates its writes cause; returns the targets whose timers reached zero. */
export function applyTicks(room: RoomState, batch: CommitBatch, now: number, hasher: Hasher): Array<{ scope: string; key: string }> {
  const counts = tickCounts(batch);
  if (counts.size === 0) return [];
  const inBatch = new Set(batch.entries.map((c) => (c.op === 'put' ? key(c.entry.scope, c.entry.key) : key(c.scope, c.key))));
  const expired: Array<{ scope: string; key: string }> = [];
  const extra: EntryChange[] = [];
  for (const entry of tickedEntries(room, counts)) {
    room.work.examined++;
    if (inBatch.has(key(entry.scope, entry.key))) continue;
    const timer = ticked(entry.timer, counts);
    if (!timer) continue;
    extra.push({ op: 'put', entry: { ...entry, timer } });
    if (timer.ticksLeft === 0) expired.push({ scope: entry.scope, key: entry.key });
  }
  for (const action of room.actions.values()) {
    if (inBatch.has(key(RECORD_SCOPES.actions, action.id))) continue;
    const runtimeTimer = ticked(action.runtimeTimer, counts);
    const cooldown = ticked(action.cooldown, counts);
    if (!runtimeTimer && !cooldown) continue;
    const updated = { ...action, runtimeTimer: runtimeTimer ?? action.runtimeTimer, cooldown: cooldown ?? action.cooldown };
    extra.push(recordChange(room, RECORD_SCOPES.actions, action.id, encodeAction(updated), earliestPending(updated.runtimeTimer, updated.cooldown), now, hasher));
    if (runtimeTimer?.ticksLeft === 0 || cooldown?.ticksLeft === 0) expired.push({ scope: RECORD_SCOPES.actions, key: action.id });
  }
  for (const view of room.views.values()) {
    if (inBatch.has(key(RECORD_SCOPES.views, view.id))) continue;
    const runtimeTimer = ticked(view.runtimeTimer, counts);
    if (!runtimeTimer) continue;
    extra.push(recordChange(room, RECORD_SCOPES.views, view.id, encodeView({ ...view, runtimeTimer }), earliestPending(runtimeTimer), now, hasher));
    if (runtimeTimer.ticksLeft === 0) expired.push({ scope: RECORD_SCOPES.views, key: view.id });
  }
  batch.entries.push(...extra);
  return expired;
}

// Only entries whose logical timer watches a key this batch wrote.
function* tickedEntries(room: RoomState, counts: Map<string, number>): Iterable<Entry> {
  for (const tick of counts.keys()) yield* room.tickWatchers.get(tick)?.values() ?? [];
}

// A record's timer changed but not its meaning: keep writer, bump revision.
function recordChange(room: RoomState, scope: string, id: string, value: Entry['value'], timerAt: number | null, now: number, hasher: Hasher): EntryChange {
  const prev = room.entry(scope, id);
  return { op: 'put', entry: nextEntry(prev, { scope, key: id, value, writer: prev?.writer ?? null, timerAt }, now, hasher) };
}
