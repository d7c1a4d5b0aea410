// The core's public surface for the server: services, ports, and the types transports need.
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { Hasher } from '../ports/hasher.js';
import type { IdSource } from '../ports/id-source.js';
import type { RoomStore } from '../ports/room-store.js';
import { Presence } from './presence.js';
import { ReadService } from './read-service.js';
import { RoomAdmin } from './room-admin.js';
import { RoomRegistry } from './room-registry.js';
import { WriteService } from './write-service.js';
import type { ServiceDeps, ServiceOptions } from './ports.js';

export interface Services {
  rooms: RoomAdmin;
  writes: WriteService;
  reads: ReadService;
  registry: RoomRegistry;
  presence: Presence;
  deps: ServiceDeps;
}

export interface CorePorts {
  store: RoomStore;
  clock: Clock;
  hasher: Hasher;
  ids: IdSource;
  credentials: Credentials;
  report?: (error: unknown) => void;
}

export function createServices(ports: CorePorts, options: ServiceOptions): Services {
  const registry = new RoomRegistry(ports.store, ports.report);
  const presence = new Presence(registry, ports.hasher);
  const deps: ServiceDeps = { ...ports, registry, presence, options };
  return { rooms: new RoomAdmin(deps), writes: new WriteService(deps), reads: new ReadService(deps), registry, presence, deps };
}

export type { Caller, CallerKind } from './caller.js';
export { ANONYMOUS } from './caller.js';
export type { Reply } from './write-service.js';
export type { ServiceOptions } from './ports.js';
