// Node implementations of the core's crypto-flavoured ports: content hashes, ids, bearer secrets.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
    const token = prefix + randomBytes(24).toString('hex');
    return { token, hash: hashToken(token) };
  },
  hash: hashToken,
};

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
