// The ports and options every service shares, wired once by the composition root.
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { Hasher } from '../ports/hasher.js';
import type { IdSource } from '../ports/id-source.js';
import type { RoomStore } from '../ports/room-store.js';
import type { RoomRegistry } from './room-registry.js';
import type { Presence } from './presence.js';

export interface ServiceOptions {
  /** Loopback-only server with no users: anyone may create rooms and join agents (D21). */
  localMode: boolean;
  /** Default and longest /wait timeout (D16). */
  waitMaxMs: number;
}

export interface ServiceDeps {
  store: RoomStore;
  clock: Clock;
  hasher: Hasher;
  ids: IdSource;
  credentials: Credentials;
  registry: RoomRegistry;
  presence: Presence;
  options: ServiceOptions;
}
