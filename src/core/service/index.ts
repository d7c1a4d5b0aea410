// The core's public surface for the server: services, ports, and the types transports need.
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { Hasher } from '../ports/hasher.js';
import type { IdSource } from '../ports/id-source.js';
import type { RoomStore } from '../ports/room-store.js';
import type { ChangeFeed } from '../ports/change-feed.js';
import { Presence } from './presence.js';
import { ReadService } from './read-service.js';
import { RoomAdmin } from './room-admin.js';
import { RoomRegistry } from './room-registry.js';
import { WriteService } from './write-service.js';
import { WaitService } from './wait-service.js';
import { TimeService } from './time-service.js';
import type { Timers } from '../ports/timers.js';
import { EventFeed } from './event-feed.js';
import type { ServiceDeps, ServiceOptions } from './ports.js';

export interface Services {
  rooms: RoomAdmin;
  writes: WriteService;
  reads: ReadService;
  waits: WaitService;
  time: TimeService;
  events: EventFeed;
  registry: RoomRegistry;
  presence: Presence;
  deps: ServiceDeps;
  /** Free the memory of rooms idle since the previous call (run periodically). */
  evictIdleRooms(): number;
  /**
   * Shared store: set `active` the loaded agents whose `waiting` no process can still hold (a
   * process died holding their waits); run periodically. Returns how many.
   */
  expireStaleWaiting(): number;
}

export interface CorePorts {
  store: RoomStore;
  clock: Clock;
  hasher: Hasher;
  ids: IdSource;
  credentials: Credentials;
  timers: Timers;
  /** Shared with the other processes of a shared store; absent: this process is alone. */
  feed?: ChangeFeed;
  report?: (error: unknown) => void;
}

export function createServices(ports: CorePorts, options: ServiceOptions): Services {
  const registry = new RoomRegistry(ports.store, ports.report, { clock: ports.clock, hasher: ports.hasher }, {
    ...(ports.feed ? { feed: ports.feed } : {}),
    waitMaxMs: options.waitMaxMs,
  });
  const presence = new Presence(registry, ports.hasher);
  const deps: ServiceDeps = { ...ports, registry, presence, options };
  const reads = new ReadService(deps);
  const waits = new WaitService(deps, reads, ports.timers, options.waitMaxMs);
  const events = new EventFeed(deps);
  const busy = (roomId: string) => waits.watching(roomId) || events.streaming(roomId) || presence.pending(roomId);
  return {
    rooms: new RoomAdmin(deps),
    writes: new WriteService(deps),
    reads,
    waits,
    time: new TimeService(deps, ports.timers, ports.report),
    events,
    registry,
    presence,
    deps,
    evictIdleRooms: () => registry.evictIdle(busy),
    expireStaleWaiting: () => {
      if (ports.store.exclusive) return 0;
      const before = registry.staleWaitingBefore(ports.clock.now());
      let expired = 0;
      for (const room of registry.loaded()) {
        for (const agent of room.agents.values()) {
          if (agent.status !== 'waiting' || (agent.waiting_since ?? agent.last_heartbeat) >= before || waits.holds(room, agent.id)) continue;
          presence.expireWaiting(room, agent.id);
          expired++;
        }
      }
      return expired;
    },
  };
}

export type { Caller, CallerKind } from './caller.js';
export { ANONYMOUS, readerOf } from './caller.js';
export type { FeedEnd, FeedEvent } from './event-feed.js';
export type { InvokeOutcome } from './write-service.js';
export type { PollInput } from './read-service.js';
export type { RoomPageInput } from './room-admin.js';
export type { ContextInput } from '../read/context-query.js';
export type { WaitInput } from '../wait/wait-query.js';
export type { ServiceOptions } from './ports.js';
