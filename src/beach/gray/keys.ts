// Key derivation (bsp-beach §5.1) and published keys (§5.2): Argon2id(secret, handle) → 64 bytes;
// the first 32 are the X25519 secret key, the last 32 the Ed25519 seed. Same inputs, same keys.
import { argon2id } from 'hash-wasm';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64, toBase64, utf8 } from './codec.js';
import { x25519Public } from './nacl.js';
import type { Block } from '../block.js';

export interface Keypair {
  x25519: { publicKey: Uint8Array; secretKey: Uint8Array };
  ed25519: { publicKey: Uint8Array; seed: Uint8Array };
}

export interface PublicKeys {
  /** base64 (standard, padded) */
  x25519: string;
  ed25519: string;
}

/** The salt is the handle, right-padded with NUL to 8 characters when shorter. */
export const derivationSalt = (handle: string): string => (handle.length >= 8 ? handle : handle + '\0'.repeat(8 - handle.length));

export async function deriveSeed(secret: string, handle: string): Promise<Uint8Array> {
  return argon2id({
    password: utf8(secret),
    salt: utf8(derivationSalt(handle)),
    parallelism: 1,
    iterations: 3,
    memorySize: 65536,
    hashLength: 64,
    outputType: 'binary',
  });
}

export async function deriveKeypair(secret: string, handle: string): Promise<Keypair> {
  return keypairFromSeed(await deriveSeed(secret, handle));
}

/** The two keypairs of a 64-byte Argon2id seed (for callers that run Argon2id elsewhere, e.g. a worker). */
export function keypairFromSeed(seed: Uint8Array): Keypair {
  if (seed.length !== 64) throw new Error('a key seed is 64 bytes');
  const xSecret = seed.slice(0, 32);
  const edSeed = seed.slice(32, 64);
  return { x25519: { publicKey: x25519Public(xSecret), secretKey: xSecret }, ed25519: { publicKey: ed25519.getPublicKey(edSeed), seed: edSeed } };
}

export const publicKeysOf = (pair: Keypair): PublicKeys => ({ x25519: toBase64(pair.x25519.publicKey), ed25519: toBase64(pair.ed25519.publicKey) });

export const PUBLISHED_KEYS_NOTE = 'Published public keys (Argon2id from secret + handle). 1 ed25519 (signing), 2 x25519 (encryption). Private halves never stored.';

/** The spine-legal node written at passport position 9. */
export const publishedKeysNode = (keys: PublicKeys): Block => ({ _: PUBLISHED_KEYS_NOTE, '1': keys.ed25519, '2': keys.x25519 });

const isKey = (v: unknown): v is string => typeof v === 'string' && fromBase64(v)?.length === 32;

/** Reads position 9 in the spine shape `{_,1:ed,2:x}` or the legacy `{x25519, ed25519}`; null otherwise. */
export function readPublishedKeys(node: unknown): PublicKeys | null {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return null;
  const n = node as Record<string, unknown>;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(n, k) ? n[k] : undefined);
  if (isKey(own('1')) && isKey(own('2'))) return { ed25519: own('1') as string, x25519: own('2') as string };
  if (isKey(own('x25519')) && isKey(own('ed25519'))) return { ed25519: own('ed25519') as string, x25519: own('x25519') as string };
  return null;
}

/** The message a key rotation signs with the prior Ed25519 key (§7.5). */
export const rotationMessage = (handle: string, next: PublicKeys): string => `pscale_key_rotation:${handle}:${next.x25519}:${next.ed25519}`;

export const signRotation = (prior: Keypair, handle: string, next: PublicKeys): string =>
  toBase64(ed25519.sign(utf8(rotationMessage(handle, next)), prior.ed25519.seed));

/** Whether `signature` (base64) is the published key's signature over the rotation message. */
export function verifyRotation(publishedEd25519: string, handle: string, next: PublicKeys, signature: string): boolean {
  const sig = fromBase64(signature);
  const pub = fromBase64(publishedEd25519);
  if (sig === null || sig.length !== 64 || pub === null || pub.length !== 32) return false;
  try {
    return ed25519.verify(sig, utf8(rotationMessage(handle, next)), pub);
  } catch {
    return false;
  }
}
