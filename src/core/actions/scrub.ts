// CEL error details quote what the expression saw (cel-js names missing keys), so an evaluation
// that could read a scope the caller cannot must not hand its details to that caller (D9). Pure.
import { SyncError, isSyncError } from '../errors.js';

export const HIDDEN_DETAIL = 'the expression failed; details are hidden because it reads a scope you cannot read';

/** Run `fn`; when `scrub` is set, replace the detail of a CEL evaluation error with a neutral one. */
export function scrubbed<T>(scrub: boolean, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!scrub || !isSyncError(error) || (error.code !== 'cel_error' && error.code !== 'cel_cost_exceeded')) throw error;
    const { detail: _detail, hint: _hint, ...rest } = error.details;
    throw new SyncError(error.code, `The ${String(rest.field)} expression failed.`, { ...rest, detail: HIDDEN_DETAIL });
  }
}
