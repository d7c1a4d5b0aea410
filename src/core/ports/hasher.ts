// Content hashing as a port, so the core stays free of node:crypto.

export interface Hasher {
  /** First 8 bytes of SHA-256 of the UTF-8 text, as 16 lowercase hex characters. */
  contentVersion(text: string): string;
}
