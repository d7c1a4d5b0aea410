// Wall-clock timers across rooms (D14): schedules every pending deadline, fires a room's due
// timers as one audited commit (which wakes waits), and restores deadlines from the store.
import type { Timers } from '../ports/timers.js';
import type { RoomState } from '../room/room-state.js';
import { planFiring } from '../time/firing.js';
import { TimerScheduler } from '../time/scheduler.js';
import type { ServiceDeps } from './ports.js';

export class TimeService {
  private readonly scheduler: TimerScheduler;
  private firings = 0;

  constructor(
    private readonly deps: ServiceDeps,
    timers: Timers,
    private readonly report: (error: unknown) => void = () => {},
  ) {
    this.scheduler = new TimerScheduler(deps.clock, timers, (roomId) => void this.fire(roomId));
    deps.registry.onCommit((room, batch, _touches, remote) => {
      for (const change of batch.entries) if (change.op === 'put' && change.entry.timerAt !== null) this.scheduler.schedule(room.id, change.entry.timerAt);
      if (remote) this.rescheduleLater(room);
    });
    // Every process schedules every deadline it hears of, so one that dies loses none: whichever
    // process takes the room's lock first fires it, the others find it fired in the fresh state.
    deps.registry.onNotice((notice) => {
      if (notice.timerAt !== null) this.scheduler.schedule(notice.roomId, notice.timerAt);
    });
    deps.registry.onGap(() => void this.restore().catch((error: unknown) => this.report(error)));
  }

  /** Schedule every deadline the store knows about (start-up). */
  async restore(): Promise<void> {
    for (const { roomId, at } of await this.deps.store.pendingTimers()) this.scheduler.schedule(roomId, at);
  }

  stop(): void {
    this.scheduler.stop();
  }

  stats(): { scheduledRooms: number; firings: number } {
    return { scheduledRooms: this.scheduler.size, firings: this.firings };
  }

  /** Fire the room's due timers; the returned promise settles when the firing is committed. */
  async fire(roomId: string): Promise<void> {
    try {
      const { registry, clock, hasher } = this.deps;
      await registry.get(roomId);
      await registry.exclusive(roomId, async (room, tx) => {
        const batch = planFiring(room, clock.now(), hasher);
        if (batch) {
          await registry.commit(room, tx, batch);
          this.firings++;
        }
        this.rescheduleLater(room);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'room_not_found') this.report(error);
    }
  }

  private rescheduleLater(room: RoomState): void {
    const next = room.nextTimerAt();
    if (next !== null) this.scheduler.schedule(room.id, next);
  }
}
