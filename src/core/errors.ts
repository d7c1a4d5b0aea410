// The one error type of agent-sync (D2). Pure: imports only the protocol catalogue.
import type { ErrorCode } from '../protocol/index.js';

export type ErrorDetails = Record<string, unknown>;

/** An expected failure with a closed code, a one-sentence message and structured details. */
export class SyncError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
    this.details = details;
  }

  /** The D2 wire body: `{error, message, ...details}`. */
  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

export function isSyncError(value: unknown): value is SyncError {
  return value instanceof SyncError;
}
