// Unit tests for timers (D14, D15, sync-core §6): validation messages, tick_on parsing, start,
// liveness for both effects and the next wall-clock boundary.
import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import type { TimerState } from './model.js';
import { parseTickOn, startTimer, timerBoundary, timerExpired, timerLive, validateTimer } from './timers.js';

function refused(raw: unknown, field = 'timer'): Record<string, unknown> {
  try {
    validateTimer(raw, field);
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    const body = (error as SyncError).toBody();
    expect(body.error).toBe('invalid_timer');
    expect(body.field).toBe(field);
    expect(body.message).toBe(`The ${field} is not a valid timer: ${String(body.detail)}.`);
    return body;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

const detail = (raw: unknown) => String(refused(raw).detail);

describe('validateTimer: valid timers', () => {
  it('accepts the three seed forms', () => {
    expect(validateTimer({ ms: 60000, effect: 'delete' }, 'timer')).toEqual({ ms: 60000, effect: 'delete' });
    expect(validateTimer({ at: '2026-03-16T15:00:00Z', effect: 'enable' }, 'timer')).toEqual({ at: '2026-03-16T15:00:00Z', effect: 'enable' });
    expect(validateTimer({ ticks: 5, tick_on: 'state._shared.turn', effect: 'enable' }, 'timer')).toEqual({
      ticks: 5,
      tick_on: 'state._shared.turn',
      effect: 'enable',
    });
  });

  it('accepts fractional ms, ISO dates with offsets and tick_on without the state. prefix', () => {
    expect(validateTimer({ ms: 1.5, effect: 'delete' }, 't').ms).toBe(1.5);
    expect(validateTimer({ at: '2026-03-16T15:00:00.250+02:00', effect: 'delete' }, 't').at).toBe('2026-03-16T15:00:00.250+02:00');
    expect(validateTimer({ at: '2026-03-16', effect: 'delete' }, 't').at).toBe('2026-03-16');
    expect(validateTimer({ ticks: 1, tick_on: '_shared.turn', effect: 'delete' }, 't').tick_on).toBe('_shared.turn');
  });

  it('returns a clean copy without the caller object', () => {
    const raw = { ms: 10, effect: 'delete' };
    const spec = validateTimer(raw, 'timer');
    expect(spec).not.toBe(raw);
  });
});

describe('validateTimer: every invalid case has its own message', () => {
  it('not an object', () => {
    for (const raw of [null, undefined, 5, 'soon', [], [{ ms: 1, effect: 'delete' }]]) {
      expect(detail(raw), JSON.stringify(raw)).toMatch(/must be an object/);
    }
  });

  it('bad effect', () => {
    for (const effect of [undefined, 'remove', 'DELETE', '', 1, null]) {
      expect(detail({ ms: 10, effect })).toMatch(/effect must be "delete" or "enable"/);
    }
  });

  it('none, two or three of ms, at and ticks', () => {
    expect(detail({ effect: 'delete' })).toMatch(/exactly one of ms, at or ticks/);
    expect(detail({ ms: 10, at: '2030-01-01T00:00:00Z', effect: 'delete' })).toMatch(/exactly one of ms, at or ticks/);
    expect(detail({ ms: 10, ticks: 2, tick_on: 'state._shared.turn', effect: 'delete' })).toMatch(/exactly one/);
    expect(detail({ ms: 10, at: '2030-01-01T00:00:00Z', ticks: 1, effect: 'delete' })).toMatch(/exactly one/);
  });

  it('ms must be a positive finite number', () => {
    for (const ms of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100', null, true]) {
      expect(detail({ ms, effect: 'delete' }), String(ms)).toMatch(/ms must be a positive number/);
    }
    expect(detail({ ms: 366 * 24 * 3600 * 1000, effect: 'delete' })).toMatch(/at most one year/);
  });

  it('at must be an ISO-8601 date-time', () => {
    for (const at of ['not a date', '', 5, null, '2030-13-45T00:00:00Z', 'March 7, 2030', '1', 'tomorrow 5pm', '2030-01-01T10:00']) {
      expect(detail({ at, effect: 'enable' }), String(at)).toMatch(/at must be an ISO-8601 date-time/);
    }
  });

  it('ticks must be a positive integer', () => {
    for (const ticks of [0, -2, 1.5, '3', Number.NaN, null, true]) {
      expect(detail({ ticks, tick_on: 'state._shared.turn', effect: 'enable' }), String(ticks)).toMatch(/ticks must be a positive integer/);
    }
  });

  it('ticks need a tick_on naming a state key', () => {
    expect(detail({ ticks: 2, effect: 'enable' })).toMatch(/tick_on must name the state key/);
    for (const tick_on of ['', 'turn', 'state.turn', 'state._shared.', '.turn', 5, null]) {
      expect(detail({ ticks: 2, tick_on, effect: 'enable' }), String(tick_on)).toMatch(/tick_on must name the state key/);
    }
  });

  it('tick_on without ticks', () => {
    expect(detail({ ms: 10, tick_on: 'state._shared.turn', effect: 'delete' })).toMatch(/tick_on is only used with ticks/);
    expect(detail({ at: '2030-01-01T00:00:00Z', tick_on: 'state._shared.turn', effect: 'delete' })).toMatch(/tick_on is only used with ticks/);
  });

  it('unknown fields', () => {
    expect(detail({ ms: 10, effect: 'delete', repeat: true })).toBe('unknown field "repeat"');
    expect(detail({ seconds: 10, effect: 'delete' })).toBe('unknown field "seconds"');
  });

  it('names the field it was given', () => {
    expect(refused({ effect: 'delete' }, 'on_invoke.timer').field).toBe('on_invoke.timer');
    expect(refused(5, 'writes[1].timer').message).toMatch(/^The writes\[1\]\.timer is not a valid timer: /);
  });
});

describe('parseTickOn', () => {
  it('reads state._shared.turn and _shared.turn alike', () => {
    expect(parseTickOn('state._shared.turn')).toEqual({ scope: '_shared', key: 'turn' });
    expect(parseTickOn('_shared.turn')).toEqual({ scope: '_shared', key: 'turn' });
  });

  it('keeps dots in the key', () => {
    expect(parseTickOn('state._shared.round.count')).toEqual({ scope: '_shared', key: 'round.count' });
    expect(parseTickOn('alice.hp')).toEqual({ scope: 'alice', key: 'hp' });
  });

  it('refuses anything that is not scope.key', () => {
    for (const raw of ['', 'turn', 'state.turn', 'state.', 'state', '.turn', '_shared.', 'state._shared.', 5, null, undefined, {}]) {
      expect(parseTickOn(raw), String(raw)).toBeNull();
    }
  });
});

describe('startTimer', () => {
  const NOW = Date.parse('2030-01-01T00:00:00Z');

  it('ms: expires ms after now', () => {
    const spec = { ms: 5000, effect: 'delete' } as const;
    expect(startTimer(spec, NOW)).toEqual({ spec, effect: 'delete', startedAt: NOW, expiresAt: NOW + 5000 });
  });

  it('at: expires at that instant', () => {
    const spec = { at: '2030-01-01T00:01:00Z', effect: 'enable' } as const;
    expect(startTimer(spec, NOW)).toEqual({ spec, effect: 'enable', startedAt: NOW, expiresAt: NOW + 60_000 });
    expect(startTimer({ at: '2030-01-01T02:00:00+02:00', effect: 'enable' }, NOW).expiresAt).toBe(NOW);
  });

  it('ticks: counts down on writes to the tick_on key', () => {
    const spec = { ticks: 3, tick_on: 'state._shared.turn', effect: 'enable' } as const;
    const state = startTimer(spec, NOW);
    expect(state).toEqual({ spec, effect: 'enable', startedAt: NOW, ticksLeft: 3, tickOn: { scope: '_shared', key: 'turn' } });
    expect(state.expiresAt).toBeUndefined();
  });
});

describe('timerExpired, timerLive and timerBoundary', () => {
  const NOW = 1_000_000;
  const wall = (effect: 'delete' | 'enable', expiresAt: number): TimerState => ({ spec: { ms: expiresAt - NOW, effect }, effect, startedAt: NOW, expiresAt });
  const ticks = (effect: 'delete' | 'enable', ticksLeft: number): TimerState => ({
    spec: { ticks: 2, tick_on: 'state._shared.turn', effect },
    effect,
    startedAt: NOW,
    ticksLeft,
    tickOn: { scope: '_shared', key: 'turn' },
  });

  it('a wall-clock timer expires exactly at expiresAt', () => {
    const t = wall('delete', NOW + 100);
    expect(timerExpired(t, NOW)).toBe(false);
    expect(timerExpired(t, NOW + 99)).toBe(false);
    expect(timerExpired(t, NOW + 100)).toBe(true);
    expect(timerExpired(t, NOW + 101)).toBe(true);
  });

  it('a tick timer expires when no ticks are left', () => {
    expect(timerExpired(ticks('delete', 2), NOW)).toBe(false);
    expect(timerExpired(ticks('delete', 1), NOW)).toBe(false);
    expect(timerExpired(ticks('delete', 0), NOW)).toBe(true);
    expect(timerExpired(ticks('delete', -1), NOW)).toBe(true);
  });

  it('a fired timer stays expired even if the clock reads earlier (another server, D25)', () => {
    const deleting = { ...wall('delete', NOW + 100), fired: true };
    const enabling = { ...wall('enable', NOW + 100), fired: true };
    expect(timerExpired(deleting, NOW + 50)).toBe(true);
    expect(timerLive(deleting, NOW + 50)).toBe(false);
    expect(timerLive(enabling, NOW + 50)).toBe(true);
    expect(timerBoundary(deleting, NOW + 50)).toBeNull();
  });

  it('no timer: always live', () => {
    expect(timerLive(null, NOW)).toBe(true);
  });

  it('effect delete: live until it fires, then gone for good', () => {
    const t = wall('delete', NOW + 100);
    expect(timerLive(t, NOW)).toBe(true);
    expect(timerLive(t, NOW + 100)).toBe(false);
    expect(timerLive(t, NOW + 1e9)).toBe(false);
    expect(timerLive(ticks('delete', 1), NOW)).toBe(true);
    expect(timerLive(ticks('delete', 0), NOW)).toBe(false);
  });

  it('effect enable: dormant until it fires, then live for good', () => {
    const t = wall('enable', NOW + 100);
    expect(timerLive(t, NOW)).toBe(false);
    expect(timerLive(t, NOW + 99)).toBe(false);
    expect(timerLive(t, NOW + 100)).toBe(true);
    expect(timerLive(t, NOW + 1e9)).toBe(true);
    expect(timerLive(ticks('enable', 1), NOW)).toBe(false);
    expect(timerLive(ticks('enable', 0), NOW)).toBe(true);
  });

  it('works on timers made by startTimer', () => {
    const deleting = startTimer(validateTimer({ ms: 50, effect: 'delete' }, 't'), NOW);
    const enabling = startTimer(validateTimer({ ms: 50, effect: 'enable' }, 't'), NOW);
    expect([timerLive(deleting, NOW + 49), timerLive(enabling, NOW + 49)]).toEqual([true, false]);
    expect([timerLive(deleting, NOW + 50), timerLive(enabling, NOW + 50)]).toEqual([false, true]);
  });

  it('timerBoundary: the next instant a pending wall-clock timer changes liveness', () => {
    expect(timerBoundary(null, NOW)).toBeNull();
    expect(timerBoundary(wall('delete', NOW + 100), NOW)).toBe(NOW + 100);
    expect(timerBoundary(wall('enable', NOW + 100), NOW + 99)).toBe(NOW + 100);
    expect(timerBoundary(wall('enable', NOW + 100), NOW + 100)).toBeNull();
    expect(timerBoundary(wall('delete', NOW + 100), NOW + 500)).toBeNull();
    // Tick timers change on writes, never on the clock.
    expect(timerBoundary(ticks('enable', 2), NOW)).toBeNull();
  });
});
