// The NaCl constructions the reference's envelopes use, over @noble: secretbox (XSalsa20-Poly1305,
// output = 16-byte tag ‖ ciphertext) and box (X25519 → HSalsa20 "beforenm" key → secretbox).
import { xsalsa20poly1305, hsalsa } from '@noble/ciphers/salsa.js';
import { x25519 } from '@noble/curves/ed25519.js';

export const NONCE_BYTES = 24;
export const KEY_BYTES = 32;

export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).encrypt(message);
}

/** Null when the box does not open (wrong key, tampered, malformed). */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (nonce.length !== NONCE_BYTES || key.length !== KEY_BYTES || box.length < 16) return null;
  try {
    return xsalsa20poly1305(key, nonce).decrypt(box);
  } catch {
    return null;
  }
}

// "expand 32-byte k" as little-endian words.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** crypto_box_beforenm: HSalsa20 over the X25519 shared point with a zero nonce. Null for a bad key. */
export function boxBeforeNm(theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array | null {
  if (theirPublic.length !== KEY_BYTES || mySecret.length !== KEY_BYTES) return null;
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(mySecret, theirPublic);
  } catch {
    return null; // a low-order public key: no shared secret
  }
  const k = new Uint32Array(shared.buffer.slice(shared.byteOffset, shared.byteOffset + 32));
  const out = new Uint32Array(8);
  hsalsa(SIGMA, k, new Uint32Array(4), out);
  return new Uint8Array(out.buffer);
}

export function boxSeal(message: Uint8Array, nonce: Uint8Array, theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array | null {
  const key = boxBeforeNm(theirPublic, mySecret);
  return key === null ? null : secretboxSeal(message, nonce, key);
}

export function boxOpen(box: Uint8Array, nonce: Uint8Array, theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array | null {
  const key = boxBeforeNm(theirPublic, mySecret);
  return key === null ? null : secretboxOpen(box, nonce, key);
}

export const x25519Public = (secret: Uint8Array): Uint8Array => x25519.getPublicKey(secret);
