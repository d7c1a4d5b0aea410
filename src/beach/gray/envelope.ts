// The gray envelope (bsp-beach §5.3): a spine-legal object the beach stores like any other.
//   { _: note, 1: ciphertext b64, 2: nonce b64 (24 bytes), 9: { _: "gray", 1: mode, 2: partner (grain) } }
import type { Block } from '../block.js';
import { isObject, own } from '../json.js';
import { fromBase64, fromUtf8, toBase64, utf8, type RandomBytes } from './codec.js';
import { NONCE_BYTES, boxOpen, boxSeal, secretboxOpen, secretboxSeal } from './nacl.js';

export type GrayMode = 'self' | 'grain' | 'group';

export const GRAY_NOTES: Record<GrayMode, string> = {
  self: 'Encrypted (gray); readable only with the author secret.',
  grain: 'Encrypted (gray); readable by the two grain parties.',
  group: 'Encrypted (gray); readable by the group (key wrapped per member in the keyring at 9).',
};

/** `isGrayEnvelope`: string `1`, string `2`, object `9` whose `_` is "gray". */
export function isGrayEnvelope(node: unknown): node is Block {
  if (!isObject(node)) return false;
  const marker = own(node, '9');
  return typeof own(node, '1') === 'string' && typeof own(node, '2') === 'string' && isObject(marker) && own(marker, '_') === 'gray';
}

export function grayMode(node: unknown): GrayMode | null {
  if (!isGrayEnvelope(node)) return null;
  const mode = own(own(node, '9') as Block, '1');
  return mode === 'self' || mode === 'grain' || mode === 'group' ? mode : null;
}

/** Strings are encrypted verbatim; anything else as its JSON text (it decrypts to that string). */
export const plaintextOf = (content: unknown): string => (typeof content === 'string' ? content : JSON.stringify(content));

export function envelope(mode: GrayMode, ciphertext: Uint8Array, nonce: Uint8Array, partner?: string): Block {
  const marker: Block = { _: 'gray', '1': mode };
  if (mode === 'grain' && partner !== undefined) marker['2'] = partner;
  return { _: GRAY_NOTES[mode], '1': toBase64(ciphertext), '2': toBase64(nonce), '9': marker };
}

function parts(node: Block): { ciphertext: Uint8Array; nonce: Uint8Array } | null {
  const ciphertext = fromBase64(own(node, '1') as string);
  const nonce = fromBase64(own(node, '2') as string);
  return ciphertext === null || nonce === null || nonce.length !== NONCE_BYTES ? null : { ciphertext, nonce };
}

/** Seals under a symmetric key (self and group modes). */
export function sealWithKey(mode: 'self' | 'group', content: unknown, key: Uint8Array, random: RandomBytes): Block {
  const nonce = random(NONCE_BYTES);
  return envelope(mode, secretboxSeal(utf8(plaintextOf(content)), nonce, key), nonce);
}

export function openWithKey(node: Block, key: Uint8Array): string | null {
  const p = parts(node);
  const plain = p === null ? null : secretboxOpen(p.ciphertext, p.nonce, key);
  return plain === null ? null : fromUtf8(plain);
}

/** Seals for the grain partner: box(my X25519 secret, their X25519 public). */
export function sealForPartner(content: unknown, partner: string, partnerPublic: Uint8Array, mySecret: Uint8Array, random: RandomBytes): Block | null {
  const nonce = random(NONCE_BYTES);
  const ciphertext = boxSeal(utf8(plaintextOf(content)), nonce, partnerPublic, mySecret);
  return ciphertext === null ? null : envelope('grain', ciphertext, nonce, partner);
}

export function openFromPartner(node: Block, counterpartyPublic: Uint8Array, mySecret: Uint8Array): string | null {
  const p = parts(node);
  const plain = p === null ? null : boxOpen(p.ciphertext, p.nonce, counterpartyPublic, mySecret);
  return plain === null ? null : fromUtf8(plain);
}
