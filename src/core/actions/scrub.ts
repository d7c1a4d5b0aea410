// CEL error details quote what the expression saw (cel-js names missing keys), so an evaluation
// that could read a scope the caller cannot must not hand its details to that caller (D9). Pure.
import { SyncError, isSyncError } from '../errors.js';

export const HIDDEN_DETAIL = 'the expression failed; details are hidden because it reads a scope you cannot read';

/** The error as the caller may see it: with `scrub`, a CEL evaluation error loses its detail. */
export function scrubbedError(scrub: boolean, error: unknown): unknown {
  if (!scrub || !isSyncError(error) || (error.code !== 'cel_error' && error.code !== 'cel_cost_exceeded')) return error;
  const { detail: _detail, hint: _hint, ...rest } = error.details;
  return new SyncError(error.code, `The ${String(rest.field)} expression failed.`, { ...rest, detail: HIDDEN_DETAIL });
}

/** Run `fn`, scrubbing a CEL evaluation error it throws when `scrub` is set. */
export function scrubbed<T>(scrub: boolean, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw scrubbedError(scrub, error);
  }
}
