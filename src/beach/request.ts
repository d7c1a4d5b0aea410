// Reading the fields of a beach request body: JSON from anyone, so every field is checked.
import { BeachError } from './errors.js';
import { hasOwn, isObject, own, type JsonObject } from './json.js';

export function requireBody(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw new BeachError(400, 'invalid_shape', 'request body must be a JSON object');
  return body;
}

/** The spindle as text: absent or null ⇒ "" (the root); numbers are written in decimal. */
export function readSpindle(body: JsonObject): string {
  const value = own(body, 'spindle');
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new BeachError(400, 'invalid_address', 'spindle must be a string');
}

export function readSecret(body: JsonObject, field = 'secret'): string | undefined {
  const value = own(body, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BeachError(400, 'invalid_shape', `${field} must be a string`);
  return value;
}

export type NewLock = { present: false } | { present: true; relinquish: boolean; value: string };

/** `new_lock`: a passphrase sets or rotates; null or "" relinquishes. */
export function readNewLock(body: JsonObject): NewLock {
  if (!hasOwn(body, 'new_lock')) return { present: false };
  const value = body['new_lock'];
  if (value === null || value === '') return { present: true, relinquish: true, value: '' };
  if (typeof value !== 'string') throw new BeachError(400, 'invalid_shape', 'new_lock must be a string passphrase, or null / "" to relinquish');
  return { present: true, relinquish: false, value };
}

export const readContent = (body: JsonObject): { present: boolean; value: unknown } =>
  hasOwn(body, 'content') && body['content'] !== undefined ? { present: true, value: body['content'] } : { present: false, value: undefined };
