// Building new versions of entries: content hash, revision, timestamps. Pure.
import type { Hasher } from '../ports/hasher.js';
import type { Json } from '../json.js';
import type { Entry, TimerState } from './model.js';
import { timerExpired } from './timers.js';

export interface EntryWrite {
  scope: string;
  key: string;
  value: Json;
  writer: string | null;
  sortKey?: number | null;
  timer?: TimerState | null;
  enabled?: string | null;
  enabledAuthority?: string | null;
  /** Pending wall-clock deadline; defaults to the entry timer's. Records pass their own. */
  timerAt?: number | null;
}

/** The next version of an entry (or its first), with hash, revision and time filled in. */
export function nextEntry(prev: Entry | undefined, write: EntryWrite, now: number, hasher: Hasher): Entry {
  return {
    scope: write.scope,
    key: write.key,
    value: write.value,
    version: hasher.contentVersion(JSON.stringify(write.value)),
    revision: (prev?.revision ?? 0) + 1,
    createdAt: prev?.createdAt ?? now,
    updatedAt: now,
    writer: write.writer,
    sortKey: write.sortKey !== undefined ? write.sortKey : (prev?.sortKey ?? null),
    timer: write.timer ?? null,
    enabled: write.enabled ?? null,
    enabledAuthority: write.enabledAuthority ?? null,
    timerAt: write.timerAt !== undefined ? write.timerAt : pendingAt(write.timer ?? null),
  };
}

/** The deadline of a wall-clock timer that has not fired yet. */
export function pendingAt(timer: TimerState | null | undefined): number | null {
  return timer && !timer.fired && timer.expiresAt !== undefined ? timer.expiresAt : null;
}

/** The earliest pending deadline among several timers. */
export function earliestPending(...timers: Array<TimerState | null | undefined>): number | null {
  let at: number | null = null;
  for (const t of timers) {
    const p = pendingAt(t);
    if (p !== null && (at === null || p < at)) at = p;
  }
  return at;
}

/** An entry whose delete-timer has fired is gone: writes treat it as absent (D14). */
export function entryGone(entry: Entry | undefined, now: number): boolean {
  return !entry || (entry.timer?.effect === 'delete' && timerExpired(entry.timer, now));
}
