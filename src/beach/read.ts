// The six read shapes and star (§2.4): block, path-walk, point, disc, path-walk+descent, star.
import { fullWidthAddress, parseSpindle, type Digits, type Labeller } from './address.js';
import { DIGIT_KEYS, floorDepth, semantic } from './block.js';
import { InvalidAddressError } from './errors.js';
import { isObject, own } from './json.js';
import { walk } from './walk.js';

export interface WalkEntry {
  address: string;
  depth: number;
  pscale: number;
  content: string | null;
}

export interface DiscEntry {
  address: string;
  content: string | null;
}

export type ReadResult =
  | { shape: 'block'; floor: number; block: unknown }
  | { shape: 'path-walk'; floor: number; spindle: string; entries: WalkEntry[] }
  | { shape: 'disc'; floor: number; pscale: number; target_depth: number; entries: DiscEntry[] }
  | { shape: 'point'; floor: number; spindle: string; pscale: number; depth: number; address: string; content: string | null }
  | { shape: 'point'; floor: number; spindle: string; pscale: number; content: null; note: string }
  | { shape: 'path-walk+descent'; floor: number; spindle: string; pscale: number; path_walk: WalkEntry[]; descent: WalkEntry[] }
  | { shape: 'star'; floor: number; spindle: string; semantic: string | null; inner: ReadResult | null };

export interface ReadOptions {
  /** How addresses are labelled; full-width by default (§2.2, §12.1). */
  label?: Labeller;
}

/** Reads block B at spindle S with pscale attention P; throws InvalidAddressError on a bad spindle. */
export function bspRead(block: unknown, spindle: string | null | undefined, pscale: number | null | undefined, options: ReadOptions = {}): ReadResult {
  const label = options.label ?? fullWidthAddress;
  const floor = floorDepth(block);
  const S = spindle ?? '';
  const P = pscale ?? null;
  if (S.includes('*')) return readStar(block, S, P, options);
  if (S === '') {
    if (P === null) return { shape: 'block', floor, block };
    return readDisc(block, floor, P, label);
  }
  const { digits } = parseSpindle(S, floor);
  const pathWalk = (n: number): WalkEntry[] => entriesAlong(block, digits.slice(0, n), floor, label);
  if (P === null) return { shape: 'path-walk', floor, spindle: S, entries: pathWalk(digits.length) };
  const pEnd = floor - digits.length;
  if (P >= pEnd) {
    const target = floor - P;
    if (target < 1 || target > digits.length) {
      return { shape: 'point', floor, spindle: S, pscale: P, content: null, note: `pscale ${P} is off the spindle (depth ${target})` };
    }
    const prefix = digits.slice(0, target);
    return { shape: 'point', floor, spindle: S, pscale: P, depth: target, address: label(prefix, floor), content: semantic(walk(block, prefix)) };
  }
  const layers = floor - P - digits.length;
  return {
    shape: 'path-walk+descent',
    floor,
    spindle: S,
    pscale: P,
    path_walk: pathWalk(digits.length),
    descent: descend(walk(block, digits), digits, floor, layers, label),
  };
}

function entriesAlong(block: unknown, digits: Digits, floor: number, label: Labeller): WalkEntry[] {
  const entries: WalkEntry[] = [];
  for (let i = 1; i <= digits.length; i += 1) {
    const prefix = digits.slice(0, i);
    entries.push({ address: label(prefix, floor), depth: i, pscale: floor - i, content: semantic(walk(block, prefix)) });
  }
  return entries;
}

function readDisc(block: unknown, floor: number, P: number, label: Labeller): ReadResult {
  const target = floor - P;
  const entries: DiscEntry[] = [];
  const allZeros = (walked: Digits) => walked.every((d) => d === 0);
  const visit = (node: unknown, depth: number, walked: Digits): void => {
    if (depth === target) {
      if (!(walked.length > 0 && allZeros(walked) && isObject(node))) entries.push({ address: label(walked, floor), content: semantic(node) });
      return;
    }
    if (!isObject(node)) return;
    const underscore = own(node, '_');
    if (isObject(underscore)) visit(underscore, depth + 1, [...walked, 0]);
    else if (typeof underscore === 'string' && allZeros(walked) && depth + 1 === target) {
      entries.push({ address: label([...walked, 0], floor), content: underscore });
    }
    for (const key of DIGIT_KEYS) {
      const child = own(node, key);
      if (child !== undefined) visit(child, depth + 1, [...walked, Number(key)]);
    }
  };
  if (target >= 1) visit(block, 0, []);
  return { shape: 'disc', floor, pscale: P, target_depth: target, entries };
}

function descend(terminus: unknown, digits: Digits, floor: number, layers: number, label: Labeller): WalkEntry[] {
  const out: WalkEntry[] = [];
  let frontier: Array<[unknown, Digits]> = [[terminus, digits]];
  // Stop where the content stops: `layers` comes from the pscale asked and may be astronomically large.
  for (let layer = 0; layer < layers && frontier.length > 0; layer += 1) {
    const next: Array<[unknown, Digits]> = [];
    for (const [node, path] of frontier) {
      if (!isObject(node)) continue;
      for (const key of DIGIT_KEYS) {
        const child = own(node, key);
        if (child === undefined) continue;
        const childPath = [...path, Number(key)];
        out.push({ address: label(childPath, floor), depth: childPath.length, pscale: floor - childPath.length, content: semantic(child) });
        if (isObject(child)) next.push([child, childPath]);
      }
    }
    frontier = next;
  }
  return out;
}

function readStar(block: unknown, S: string, P: number | null, options: ReadOptions): ReadResult {
  const floor = floorDepth(block);
  const parts = S.split('*');
  if (parts.length > 2) throw new InvalidAddressError(`"${S}": star operator appears more than once`);
  const [pre = '', post = ''] = parts;
  const terminus = walk(block, parseSpindle(pre, floor).digits);
  if (typeof terminus === 'string') return { shape: 'star', floor, spindle: S, semantic: terminus, inner: null };
  if (!isObject(terminus)) return { shape: 'star', floor, spindle: S, semantic: null, inner: null };
  const directory = own(terminus, '_');
  const inner = isObject(directory) ? bspRead(directory, post === '' ? null : post, P, options) : null;
  return { shape: 'star', floor, spindle: S, semantic: semantic(terminus), inner };
}
