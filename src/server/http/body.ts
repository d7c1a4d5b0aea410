// Reading a JSON request body: empty means {}, anything else must be a JSON object.
import type { Context } from 'hono';
import { SyncError } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import { isPlainObject } from '../../core/json.js';

export async function jsonBody(c: Context): Promise<JsonObject> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyncError('invalid_json', 'The request body is not valid JSON.', { detail: (error as Error).message });
  }
  if (!isPlainObject(parsed)) throw new SyncError('invalid_body', 'The request body must be a JSON object.');
  return parsed as JsonObject;
}
