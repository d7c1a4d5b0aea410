// Reading a JSON request body: empty means {}, anything else must be a JSON object of bounded
// depth with finite numbers.
import type { Context } from 'hono';
import { SyncError } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import { isPlainObject } from '../../core/json.js';

/** `application/json` or any `+json` type, with or without parameters. */
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

export async function jsonBody(c: Context): Promise<JsonObject> {
  const type = c.req.header('content-type');
  const text = await c.req.text();
  // A form or text/plain body is what a web page can send without a preflight: refuse it, so
  // that only a client that may set the content type (not a cross-origin page) can act.
  if (type !== undefined ? !JSON_TYPE.test(type) : text !== '') {
    throw new SyncError('unsupported_media_type', 'This route takes a JSON body: send it with content-type: application/json.', {
      content_type: type === undefined ? null : type.slice(0, 100),
      hint: "With curl, add -H 'content-type: application/json' to -d.",
    });
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyncError('invalid_json', 'The request body is not valid JSON.', { detail: (error as Error).message });
  }
  if (!isPlainObject(parsed)) throw new SyncError('invalid_body', 'The request body must be a JSON object.');
  checkShape(parsed);
  return parsed as JsonObject;
}

/** Deeper bodies would overflow the stack of the code that copies, hashes and stores them. */
export const MAX_BODY_DEPTH = 100;

// Iterative, so that checking a hostile body cannot itself overflow the stack.
function checkShape(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new SyncError('invalid_body', 'The request body holds a number too large to represent.', { hint: 'Numbers must fit a double (at most about 1.8e308).' });
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) {
      throw new SyncError('invalid_body', `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`, { max_depth: MAX_BODY_DEPTH });
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}
