// Timers (D14, D15): validation, start, liveness. Pure; time is passed in.
import { SyncError, quote } from '../errors.js';
import { isPlainObject } from '../json.js';
import type { TimerSpec, TimerState } from './model.js';

// An ISO-8601 date, or date-time with a zone (so every server reads the same instant);
// Date.parse alone also accepts "1" or "March 7".
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/;

/** Validate a client timer object, throwing `400 invalid_timer` with a precise message. */
export function validateTimer(raw: unknown, field: string): TimerSpec {
  const fail = (detail: string): never => {
    throw new SyncError('invalid_timer', `The ${field} is not a valid timer: ${detail}.`, { field, detail });
  };
  if (!isPlainObject(raw)) return fail('a timer must be an object such as {"ms": 60000, "effect": "delete"}');
  const known = new Set(['ms', 'at', 'ticks', 'tick_on', 'effect']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) fail(`unknown field ${quote(unknown[0])}`);
  if (raw.effect !== 'delete' && raw.effect !== 'enable') fail('effect must be "delete" or "enable"');
  const kinds = (['ms', 'at', 'ticks'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) fail('give exactly one of ms, at or ticks');
  const spec: TimerSpec = { effect: raw.effect as TimerSpec['effect'] };
  if (raw.ms !== undefined) {
    if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms) || raw.ms <= 0) fail('ms must be a positive number of milliseconds');
    if ((raw.ms as number) > 365 * 24 * 3600 * 1000) fail('ms must be at most one year');
    spec.ms = raw.ms as number;
  }
  if (raw.at !== undefined) {
    if (typeof raw.at !== 'string' || !ISO_INSTANT.test(raw.at) || Number.isNaN(Date.parse(raw.at))) fail('at must be an ISO-8601 date-time such as "2030-01-01T00:00:00Z"');
    spec.at = raw.at as string;
  }
  if (raw.ticks !== undefined) {
    if (typeof raw.ticks !== 'number' || !Number.isInteger(raw.ticks) || raw.ticks <= 0) fail('ticks must be a positive integer');
    if (parseTickOn(raw.tick_on) === null) fail('tick_on must name the state key that ticks the timer, such as "state._shared.turn" (not a key of self)');
    spec.ticks = raw.ticks as number;
    spec.tick_on = raw.tick_on as string;
  } else if (raw.tick_on !== undefined) {
    fail('tick_on is only used with ticks');
  }
  return spec;
}

/** `state._shared.turn` or `_shared.turn` → {scope, key}; the key is everything after the scope. */
export function parseTickOn(raw: unknown): { scope: string; key: string } | null {
  if (typeof raw !== 'string') return null;
  const path = raw.startsWith('state.') ? raw.slice('state.'.length) : raw;
  const dot = path.indexOf('.');
  if (dot <= 0 || dot === path.length - 1) return null;
  const scope = path.slice(0, dot);
  // `self` differs per reader; a tick needs one definite key.
  if (scope === 'self') return null;
  return { scope, key: path.slice(dot + 1) };
}

export function startTimer(spec: TimerSpec, now: number): TimerState {
  const state: TimerState = { spec, effect: spec.effect, startedAt: now };
  if (spec.ms !== undefined) state.expiresAt = now + spec.ms;
  if (spec.at !== undefined) state.expiresAt = Date.parse(spec.at);
  if (spec.ticks !== undefined) {
    state.ticksLeft = spec.ticks;
    state.tickOn = parseTickOn(spec.tick_on)!;
  }
  return state;
}

export function timerExpired(t: TimerState, now: number): boolean {
  // A committed firing is final, even on a server whose clock is slightly behind (D25).
  if (t.fired) return true;
  if (t.expiresAt !== undefined) return now >= t.expiresAt;
  if (t.ticksLeft !== undefined) return t.ticksLeft <= 0;
  return false;
}

/** A `delete` timer hides its thing once it fires; an `enable` timer hides it until then. */
export function timerLive(t: TimerState | null, now: number): boolean {
  if (!t) return true;
  return t.effect === 'delete' ? !timerExpired(t, now) : timerExpired(t, now);
}

/** The next instant at which this timer changes liveness, if it is a pending wall-clock timer. */
export function timerBoundary(t: TimerState | null, now: number): number | null {
  if (!t || t.fired || t.expiresAt === undefined || t.expiresAt <= now) return null;
  return t.expiresAt;
}
