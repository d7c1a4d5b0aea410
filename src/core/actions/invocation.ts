// Shared types of an invocation: who acts, what it changes, what it answers. Pure.
import type { Json, JsonObject } from '../json.js';
import type { Hasher } from '../ports/hasher.js';
import type { WriteRecord } from '../room/model.js';
import type { CommitBatch, RoomState } from '../room/room-state.js';
import { SyncError, quote } from '../errors.js';
import { isValidId } from '../../protocol/index.js';

/** The identity an invocation runs as, after the transport resolved the credential. */
export interface Actor {
  /** The agent acting (`${self}`), or null for a room admin acting as nobody. */
  agentId: string | null;
  admin: boolean;
}

export interface InvokeEnv {
  room: RoomState;
  actor: Actor;
  now: number;
  hasher: Hasher;
  /** The definition version the invoker read and pins (`expect_version` on the invoke body). */
  expectVersion?: string;
}

/** What an invocation will change and answer, before the change is committed. */
export interface InvocationOutcome {
  /** A registration: the action or view was created or redefined. */
  created?: boolean;
  body: Record<string, unknown>;
  batch: CommitBatch;
  /** The writes as the audit log records them (full values; readers are filtered later, D9). */
  writes: WriteRecord[];
  detail?: JsonObject;
  /** Completes the response once the batch is applied (result expressions, view values). */
  finish?: (room: RoomState) => Record<string, unknown>;
}

export function requireString(params: JsonObject, name: string): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') {
    throw new SyncError('missing_param', `The parameter ${name} is required.`, { param: name });
  }
  if (typeof value !== 'string') {
    throw new SyncError('invalid_param_type', `The parameter ${name} must be a string.`, { param: name, expected: 'string', actual: typeof value });
  }
  return value;
}

export function optionalString(params: JsonObject, name: string, max = 4000): string | null {
  const value = params[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new SyncError('invalid_param_type', `The parameter ${name} must be a string.`, { param: name, expected: 'string', actual: typeof value });
  }
  if (value.length > max) throw new SyncError('invalid_param', `The parameter ${name} is longer than ${max} characters.`, { param: name });
  return value;
}

/** Ids of custom actions and views: the room-id grammar, never a leading underscore. */
export function requireName(params: JsonObject, name: string, what: string): string {
  const id = requireString(params, name);
  if (!isValidId(id)) {
    throw new SyncError('invalid_id', `The ${what} id ${quote(id)} is not valid.`, {
      param: name,
      hint: 'Use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
    });
  }
  return id;
}

export function rejectUnknown(params: JsonObject, known: readonly string[], what: string): void {
  const unknown = Object.keys(params).find((k) => !known.includes(k));
  if (unknown) {
    throw new SyncError('invalid_definition', `The ${what} has the unknown field ${quote(unknown)}.`, {
      field: unknown,
      known: [...known],
    });
  }
}

export type { Json };
