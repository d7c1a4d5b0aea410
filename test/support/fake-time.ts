// A manual clock and timers for tests of timers and waits: time moves only when the test says.
import { ManualClock } from '../../src/core/ports/clock.js';
import { ManualTimers } from '../../src/core/ports/timers.js';

export interface FakeTime {
  clock: ManualClock;
  timers: ManualTimers;
  /** Move time forward, run every timer that came due, and let the resulting commits settle. */
  advance(ms: number): Promise<void>;
  /** Let pending promise chains (commits, wake-ups) run. */
  settle(): Promise<void>;
}

export function fakeTime(start = Date.parse('2030-01-01T00:00:00.000Z')): FakeTime {
  const clock = new ManualClock(start);
  const timers = new ManualTimers(() => clock.now());
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    timers,
    settle,
    async advance(ms: number) {
      clock.advance(ms);
      timers.runDue();
      await settle();
      timers.runDue();
      await settle();
    },
  };
}
