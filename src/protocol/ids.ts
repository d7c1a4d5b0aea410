// Identifier grammar shared by every surface (D23). Pure: imports nothing.

/** Room and agent ids: a letter or digit, then up to 63 letters, digits, dots, underscores or dashes. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** System scopes: an underscore followed by the same alphabet. */
export const SYSTEM_SCOPE_PATTERN = /^_[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const MAX_KEY_LENGTH = 512;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function isSystemScope(scope: string): boolean {
  return scope.startsWith('_');
}

export function isValidScopeName(value: string): boolean {
  return ID_PATTERN.test(value) || SYSTEM_SCOPE_PATTERN.test(value);
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed UTF-16: a lone surrogate cannot be stored as UTF-8 and back. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * State keys: any non-empty, well-formed string up to MAX_KEY_LENGTH, except `__proto__` (it
 * cannot be a plain map key). Lone surrogates are refused: a store in UTF-8 would turn `s\uD800`
 * and `s\uDBFF` into the same key.
 */
export function isValidKey(value: string): boolean {
  return value.length > 0 && value.length <= MAX_KEY_LENGTH && value !== '__proto__' && isWellFormed(value);
}
