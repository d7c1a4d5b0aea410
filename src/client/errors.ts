// The one error the SDK throws: the server's D2 body, typed by code, or a network failure.
import type { ErrorCode } from '../protocol/index.js';

/** A code the server sent, or `network_error` when no answer arrived. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'invalid_response';

export class AgentSyncError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ClientErrorCode, message: string, status: number, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentSyncError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** One line for people and logs: `code: message`. */
  get summary(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isAgentSyncError(value: unknown, code?: ClientErrorCode): value is AgentSyncError {
  return value instanceof AgentSyncError && (code === undefined || value.code === code);
}

/** Turn a non-2xx answer into an error (D2 bodies keep their code and details). */
export function errorFromBody(status: number, body: unknown): AgentSyncError {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    const { error, message, ...details } = body as { error: string; message?: unknown };
    return new AgentSyncError(error as ErrorCode, typeof message === 'string' ? message : error, status, details);
  }
  return new AgentSyncError('invalid_response', `The server answered ${status} without an error body.`, status);
}
