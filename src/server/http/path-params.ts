// Path parameters are ids; a malformed one is a clear 400 rather than a confusing 404 (D23).
import type { Context } from 'hono';
import { SyncError } from '../../core/errors.js';
import { isValidId } from '../../protocol/index.js';

export function idParam(c: Context, name: string, what: string): string {
  const value: string = (c.req.param(name) as string | undefined) ?? '';
  if (!isValidId(value)) {
    throw new SyncError('invalid_id', `The ${what} id in the path is not valid.`, {
      [name]: String(value).slice(0, 80),
      hint: 'Ids are 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
    });
  }
  return value;
}

/** Action ids include the built-ins, which start with an underscore. */
export function actionParam(c: Context): string {
  const value = (c.req.param('actionId') as string | undefined) ?? '';
  if (!/^_?[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new SyncError('invalid_id', 'The action id in the path is not valid.', { action: value.slice(0, 80) });
  }
  return value;
}
