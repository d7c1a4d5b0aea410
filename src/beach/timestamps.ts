// "The beach remembers when" (§8.8): append entries carry a server timestamp in field 3.
import { isObject, own } from './json.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO-8601 datetime the beach accepts as an entry's own time. */
export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO.test(value) && !Number.isNaN(Date.parse(value));
}

export const isoOf = (now: number): string => new Date(now).toISOString();

/** A non-array object entry without a valid field 3 gets `"3": now`; strings and arrays pass untouched. */
export function stampEntry(content: unknown, now: number): unknown {
  if (!isObject(content) || isIsoDateTime(own(content, '3'))) return content;
  return { ...content, 3: isoOf(now) };
}
