// Proving authority over lock positions: salted hash comparison and the refusals of §4.5.
import { BeachError } from './errors.js';
import { hasOwn } from './json.js';
import type { Authority, LockMap } from './lock-key.js';
import { lockHash, sameDigest } from './salts.js';

export interface LockScope {
  name: string;
  origin: string;
  locks: LockMap;
}

/** True when `secret` hashes to the lock stored at `position`. */
export function secretOpens(scope: LockScope, position: string, secret: string | undefined): boolean {
  if (secret === undefined || !hasOwn(scope.locks, position)) return false;
  return sameDigest(lockHash(secret, scope.name, scope.origin, position), scope.locks[position]!);
}

/** Rule 5: content at a locked position needs its secret (the root's when inherited). */
export function requireWriteAuthority(scope: LockScope, auth: Authority, secret: string | undefined): void {
  if (auth.stored === undefined) return;
  if (secret === undefined) {
    const why = auth.inherited ? 'inherits the lock at its root, secret required' : 'is locked, secret required';
    throw new BeachError(403, 'lock_required', `position "${auth.lockKey}" of "${scope.name}" ${why}`);
  }
  if (!secretOpens(scope, auth.authKey, secret)) throw new BeachError(403, 'lock_required', 'secret does not match');
}

/** Rule 6: setting, rotating or relinquishing a held lock needs the current secret. */
export function requireRotationAuthority(scope: LockScope, auth: Authority, secret: string | undefined): void {
  if (auth.stored === undefined) return;
  if (!secretOpens(scope, auth.authKey, secret)) throw new BeachError(403, 'lock_required', 'lock rotation requires current secret');
}
