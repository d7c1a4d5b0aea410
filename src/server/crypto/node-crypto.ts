// Node implementations of the core's crypto-flavoured ports: content hashes, ids, bearer secrets.
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Credentials, MintedToken, TokenPrefix } from '../../core/ports/credentials.js';
import type { Hasher } from '../../core/ports/hasher.js';
import type { IdSource } from '../../core/ports/id-source.js';

export const nodeHasher: Hasher = {
  contentVersion: (text) => createHash('sha256').update(text).digest('hex').slice(0, 16),
};

export const nodeIds: IdSource = { uuid: () => randomUUID() };

/** Bearer secrets are 24 random bytes in hex after a prefix; only their SHA-256 is stored (D23). */
export const nodeCredentials: Credentials = {
  mint(prefix: TokenPrefix): MintedToken {
    // Legacy room tokens keep their form (D19); user tokens, refresh tokens, device codes and
    // sessions are 32 random bytes in base64url (sync-auth §2).
    const body = prefix === 'room_' || prefix === 'view_' || prefix === 'as_' ? randomBytes(24).toString('hex') : randomBytes(32).toString('base64url');
    const token = prefix + body;
    return { token, hash: hashToken(token) };
  },
  hash: hashToken,
  userCode() {
    let code = '';
    for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  },
  s256: (verifier) => createHash('sha256').update(verifier).digest('base64url'),
};

/** No 0/O, 1/I: a user types these from a terminal. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
