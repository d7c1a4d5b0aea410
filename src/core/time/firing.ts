// Firing wall-clock timers (D14): liveness already follows the clock, so a firing records that
// the deadline passed (marks the timer fired, audits it) and its commit wakes what depends on
// it. Pure: the scheduler decides when, this decides what.
import type { Hasher } from '../ports/hasher.js';
import { logRecord } from '../room/audit.js';
import { earliestPending } from '../room/entries.js';
import { decodeAction, decodeView, encodeAction, encodeView } from '../room/record-codec.js';
import { RECORD_SCOPES, type Entry, type TimerState, type WriteRecord } from '../room/model.js';
import { emptyBatch, type CommitBatch, type RoomState } from '../room/room-state.js';

interface Fired {
  entry: Entry;
  effects: string[];
}

const due = (t: TimerState | null, now: number): boolean => !!t && !t.fired && t.expiresAt !== undefined && t.expiresAt <= now;
const fire = (t: TimerState | null, now: number): TimerState | null => (due(t, now) ? { ...t!, fired: true } : t);

/** The batch that fires every timer of the room due at `now`, or null when none is due. */
export function planFiring(room: RoomState, now: number, hasher: Hasher): CommitBatch | null {
  const dueEntries = room.dueTimed(now);
  if (dueEntries.length === 0) return null;
  const batch = emptyBatch();
  const writes: WriteRecord[] = [];
  const detail: Array<{ scope: string; key: string; effect: string }> = [];
  for (const entry of dueEntries) {
    const fired = fireEntry(entry, now, hasher);
    batch.entries.push({ op: 'put', entry: fired.entry });
    writes.push({ scope: entry.scope, key: entry.key });
    for (const effect of fired.effects) detail.push({ scope: entry.scope, key: entry.key, effect });
  }
  batch.log.push(logRecord(room.logSeq + 1, now, { kind: 'timer', agent: null, ok: true, writes, detail: { fired: detail } }));
  return batch;
}

// The entry keeps its value, version and revision: a firing is not a write of the value.
function fireEntry(entry: Entry, now: number, hasher: Hasher): Fired {
  if (entry.scope === RECORD_SCOPES.actions) {
    const action = decodeAction(entry.key, entry.value);
    const effects = [...(due(action.runtimeTimer, now) ? [action.runtimeTimer!.effect] : []), ...(due(action.cooldown, now) ? ['cooldown_over'] : [])];
    const updated = { ...action, runtimeTimer: fire(action.runtimeTimer, now), cooldown: fire(action.cooldown, now) };
    return { entry: recordEntry(entry, encodeAction(updated), earliestPending(updated.runtimeTimer, updated.cooldown), hasher), effects };
  }
  if (entry.scope === RECORD_SCOPES.views) {
    const view = decodeView(entry.key, entry.value);
    const updated = { ...view, runtimeTimer: fire(view.runtimeTimer, now) };
    return { entry: recordEntry(entry, encodeView(updated), earliestPending(updated.runtimeTimer), hasher), effects: [view.runtimeTimer?.effect ?? 'none'] };
  }
  const timer = fire(entry.timer, now);
  return { entry: { ...entry, timer, timerAt: earliestPending(timer) }, effects: [entry.timer?.effect ?? 'none'] };
}

function recordEntry(entry: Entry, value: Entry['value'], timerAt: number | null, hasher: Hasher): Entry {
  return { ...entry, value, version: hasher.contentVersion(JSON.stringify(value)), timerAt };
}
