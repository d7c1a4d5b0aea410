// Fresh identifiers as a port (random UUIDs in production, counters in tests).

export interface IdSource {
  uuid(): string;
}
