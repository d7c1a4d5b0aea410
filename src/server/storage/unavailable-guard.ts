// The boundary between a store adapter and the services: a database that cannot be reached (or a
// SQLite file that cannot be read or written) becomes `SyncError('service_unavailable')` — 503
// with Retry-After in the D2 shape — instead of a raw driver error answered 500. Optionally each
// call is bounded in time, so no request waits on a database that stopped answering (a network
// partition without a reset leaves a socket silent for minutes before TCP notices).
import { SyncError } from '../../core/errors.js';

export interface GuardOptions {
  /** True for errors that mean "storage unreachable or failing right now" (see unavailable.ts). */
  isUnavailable(error: unknown): boolean;
  /** What the client is told is unavailable, e.g. "The database". */
  what: string;
  /** Milliseconds any one call may take before it answers 503 (none when absent). */
  deadlineMs?: number;
  /** Methods never bounded in time (closing, long-lived subscriptions). */
  unbounded?: readonly string[];
  /** Fields holding stores of the same database, guarded alike (default: the room store's `credentials`). */
  nested?: readonly string[];
}

/** Retry-After in seconds that clients are told (the header is set by sendError). */
export const RETRY_AFTER_SECONDS = 1;

export function unavailable(what: string, cause: unknown): SyncError {
  return new SyncError('service_unavailable', `${what} is unreachable right now; retry in a moment.`, { retry_after: RETRY_AFTER_SECONDS }, { cause });
}

function timedOut(what: string, ms: number): SyncError {
  const cause = Object.assign(new Error(`no answer within ${ms} ms`), { code: 'STORE_DEADLINE' });
  return new SyncError('service_unavailable', `${what} did not answer in time; retry in a moment.`, { retry_after: RETRY_AFTER_SECONDS }, { cause });
}

/**
 * Wrap every method of `store` that returns a promise: unavailability errors become 503 errors
 * with the driver's error as their cause, and (with a deadline) a call that does not settle in
 * time rejects with 503. Other values and errors pass through untouched, and `instanceof`, fields
 * and synchronous methods behave as on the store itself.
 *
 * A write that times out may still complete afterwards (as with any lost connection: the client
 * cannot tell); the 503 invites a retry, and invocations carry their own idempotence where needed.
 */
export function guardStore<T extends object>(store: T, options: GuardOptions): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const unbounded = new Set(options.unbounded ?? ['close']);
  const nested = new Set(options.nested ?? ['credentials']);
  const settle = (name: PropertyKey, result: Promise<unknown>): Promise<unknown> => {
    const mapped = result.catch((error: unknown) => {
      throw options.isUnavailable(error) ? unavailable(options.what, error) : error;
    });
    const ms = options.deadlineMs;
    if (ms === undefined || unbounded.has(String(name))) return mapped;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(options.what, ms)), ms);
      timer.unref?.();
    });
    return Promise.race([mapped, deadline]).finally(() => clearTimeout(timer));
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      const cached = wrapped.get(name);
      if (cached) return cached;
      if (nested.has(String(name)) && typeof value === 'object' && value !== null) {
        const inner = guardStore(value, { ...options, nested: [] });
        wrapped.set(name, inner);
        return inner;
      }
      if (typeof value !== 'function' || name === 'constructor') return value;
      const fn = function (this: unknown, ...args: unknown[]): unknown {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw options.isUnavailable(error) ? unavailable(options.what, error) : error;
        }
        return result instanceof Promise ? settle(name, result) : result;
      };
      wrapped.set(name, fn);
      return fn;
    },
  });
}
