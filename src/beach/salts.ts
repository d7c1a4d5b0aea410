// The three lock-salt formulas (§4.3) — frozen kernel: lowercase hex sha256 of a UTF-8 concatenation.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { blockKind } from './block-kind.js';

const hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** Ordinary block: `secret + "block:https://" + ORIGIN + ":" + blockName + ":" + position`. */
export const ordinaryLockHash = (secret: string, origin: string, blockName: string, position: string): string =>
  hex(`${secret}block:https://${origin}:${blockName}:${position}`);

/** `sed:<c>`: `secret + c + position`. */
export const sedLockHash = (secret: string, collective: string, position: string): string => hex(`${secret}${collective}${position}`);

/** `grain:<pid>`: `secret + "grain:" + pid + ":" + side`. */
export const grainLockHash = (secret: string, pid: string, side: string): string => hex(`${secret}grain:${pid}:${side}`);

/** The salted hash of `secret` for a position of a named block at an origin (bare host, no scheme). */
export function lockHash(secret: string, blockName: string, origin: string, position: string): string {
  const kind = blockKind(blockName);
  if (kind.kind === 'sed') return sedLockHash(secret, kind.collective, position);
  if (kind.kind === 'grain') return grainLockHash(secret, kind.pid, position);
  return ordinaryLockHash(secret, origin, blockName, position);
}

/** Compares two hex digests without an early exit. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
