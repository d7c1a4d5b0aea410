// Minting bearer secrets as a port: the core sees only the secret once and its hash.

export type TokenPrefix = 'room_' | 'view_' | 'as_' | 'tok_' | 'ref_' | 'dev_' | 'sess_' | 'recover_' | 'code_' | 'oreq_';

export interface MintedToken {
  /** The bearer secret, returned to the client once and never stored. */
  token: string;
  /** Its hash, the only form kept at rest (D23). */
  hash: string;
}

export interface Credentials {
  mint(prefix: TokenPrefix): MintedToken;
  hash(token: string): string;
  /** A device-flow user code: 8 characters of an unambiguous alphabet from a CSPRNG, as XXXX-XXXX. */
  userCode(): string;
  /** A PKCE S256 challenge: base64url (no padding) of the SHA-256 of `verifier` (RFC 7636). */
  s256(verifier: string): string;
}
