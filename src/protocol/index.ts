// Public surface of the wire contract: error codes and identifier grammar. Imports nothing with I/O.
export { ERROR_STATUS, statusOf } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
export {
  ID_PATTERN,
  SYSTEM_SCOPE_PATTERN,
  MAX_KEY_LENGTH,
  isValidId,
  isSystemScope,
  isValidScopeName,
  isValidKey,
  isWellFormed,
} from './ids.js';
