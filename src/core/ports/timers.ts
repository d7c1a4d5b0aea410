// Deferred callbacks as a port: real timers in the server, manual ones in tests.

export interface Timers {
  /** Call `fn` once after `delayMs`; returns a handle for cancel. */
  set(fn: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

/** Timers that fire only when a test advances them (pair with ManualClock). */
export class ManualTimers implements Timers {
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(private readonly now: () => number) {}

  set(fn: () => void, delayMs: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now() + Math.max(0, delayMs), fn });
    return id;
  }

  cancel(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Run every timer due at the current time, earliest first, including ones they schedule. */
  runDue(): number {
    let ran = 0;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= this.now()).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) return ran;
      this.pending.delete(due[0]);
      due[1].fn();
      ran++;
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
