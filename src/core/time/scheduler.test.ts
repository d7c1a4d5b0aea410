import { describe, expect, it } from 'vitest';
import { TimerScheduler } from './scheduler.js';

// A hand-driven clock and timer port: `advance` runs the armed timer when its time comes.
function harness() {
  let now = 0;
  let armed: { at: number; fn: () => void } | null = null;
  const fired: Array<[string, number]> = [];
  const scheduler = new TimerScheduler(
    { now: () => now },
    { set: (fn, delay) => (armed = { at: now + delay, fn }), cancel: () => (armed = null) },
    (roomId) => fired.push([roomId, now]),
  );
  const advance = (to: number) => {
    while (armed && armed.at <= to) {
      now = armed.at;
      const { fn } = armed;
      armed = null;
      fn();
    }
    now = to;
  };
  return { scheduler, fired, advance };
}

describe('TimerScheduler', () => {
  it('fires each room once at its earliest deadline, and a superseded deadline never fires it again', () => {
    const { scheduler, fired, advance } = harness();
    scheduler.schedule('a', 100);
    scheduler.schedule('a', 50); // earlier wins
    scheduler.schedule('a', 80); // later is ignored while 50 is pending
    scheduler.schedule('b', 70);
    advance(60);
    expect(fired).toEqual([['a', 50]]);
    scheduler.schedule('a', 200);
    advance(150); // a's stale slots at 80 and 100 pass without firing it
    expect(fired).toEqual([['a', 50], ['b', 70]]);
    advance(250);
    expect(fired).toEqual([['a', 50], ['b', 70], ['a', 200]]);
    expect(scheduler.size).toBe(0);
  });

  it('schedules nothing after stop', () => {
    const { scheduler, fired, advance } = harness();
    scheduler.schedule('a', 10);
    scheduler.stop();
    scheduler.schedule('b', 5);
    advance(100);
    expect(fired).toEqual([]);
  });
});
