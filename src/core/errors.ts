// The one error type of agent-sync (D2). Pure: imports only the protocol catalogue.
import type { ErrorCode } from '../protocol/index.js';

export type ErrorDetails = Record<string, unknown>;

/** Longest message an error carries; messages quote client input through `quote`. */
export const MESSAGE_LIMIT = 600;
/** Longest string in an error's details (client input such as an id or an expression is echoed there). */
export const DETAIL_STRING_LIMIT = 300;
/** Longest quoted client value inside a message. */
export const QUOTE_LIMIT = 100;

/**
 * A client value for a message, JSON-quoted and cut to `QUOTE_LIMIT` characters: an error must
 * never echo unbounded input (a 900 KB id comes back as its first hundred characters).
 */
export function quote(value: unknown, limit = QUOTE_LIMIT): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > limit ? `${text.slice(0, limit)}…` : text;
  return typeof value === 'string' ? JSON.stringify(short) : short;
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

// Strings in details are cut wherever they sit (nested objects and arrays included, a few levels deep).
function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cut(value, DETAIL_STRING_LIMIT);
  if (depth >= 4 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => bounded(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, cut(k, DETAIL_STRING_LIMIT), { value: bounded(v, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** An expected failure with a closed code, a one-sentence message and structured details. */
export class SyncError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  /** `options.cause`: the underlying failure (kept for logs, never sent to clients). */
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 2)}….` : message, options);
    this.name = 'SyncError';
    this.code = code;
    this.details = bounded(details, 0) as ErrorDetails;
  }

  /** The D2 wire body: `{error, message, ...details}`. */
  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

export function isSyncError(value: unknown): value is SyncError {
  return value instanceof SyncError;
}
