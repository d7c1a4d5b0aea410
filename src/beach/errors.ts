// The beach's refusal: an HTTP status, a wire code the pscale clients read, and one human sentence.
// The beach layer cannot import core's SyncError (layering); its wire body is `{error, code, message}`.

export type BeachCode =
  | 'invalid_shape'
  | 'invalid_address'
  | 'invalid_pscale'
  | 'confirm_required'
  | 'no_floor'
  | 'lock_required'
  | 'not_found'
  | 'whole_block_replace_unsupported'
  | 'inherited_lock'
  | 'append_at_leaf'
  | 'node_full'
  | 'window_already_resolved'
  | 'window_moved'
  | 'no_position';

export class BeachError extends Error {
  readonly status: number;
  readonly code: BeachCode;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: BeachCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'BeachError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The wire body: the reference's `{error, code}` (clients read `code`) with D2's `message` beside it. */
  toBody(): Record<string, unknown> {
    return { ...this.details, error: this.message, code: this.code, message: this.message };
  }
}

export class InvalidAddressError extends BeachError {
  constructor(message: string) {
    super(400, 'invalid_address', message);
    this.name = 'InvalidAddressError';
  }
}

export const refuse = (status: number, code: BeachCode, message: string, details?: Record<string, unknown>): never => {
  throw new BeachError(status, code, message, details);
};
