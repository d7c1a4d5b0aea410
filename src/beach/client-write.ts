// The client's shape-matched write (§3.1): derives the write shape from (S, P, content) and applies it
// to a local copy of the block. The beach never runs this; the bsp tool does, then sends the result.
import { parseSpindle } from './address.js';
import { floorDepth } from './block.js';
import { BeachError } from './errors.js';
import { cloneJson, isObject, own, setOwn, type JsonObject } from './json.js';
import { placeAt } from './place.js';
import { digitKey } from './walk.js';

export type WriteShape = 'block' | 'disc' | 'point' | 'path-walk+descent' | 'star';

export interface ClientWriteResult {
  block: JsonObject;
  shape: WriteShape;
  warning?: string;
}

const reject = (message: string): never => {
  throw new BeachError(400, 'invalid_shape', message);
};

/** Applies a write to a copy of `block` (absent ⇒ `{}`) and returns the new block and the shape used. */
export function bspWrite(block: JsonObject | null | undefined, spindle: string | null | undefined, pscale: number | null | undefined, content: unknown): ClientWriteResult {
  const copy: JsonObject = cloneJson(block ?? {});
  const S = spindle ?? '';
  const floor = floorDepth(copy);
  const { digits, hasStar } = parseSpindle(S, floor);
  const P = pscale ?? null;
  if (hasStar) return { block: starWrite(copy, digits, P, content, S), shape: 'star' };
  if (digits.length === 0) return rootWrite(copy, P, content);
  const pEnd = floor - digits.length;
  const effectiveP = P ?? (isObject(content) ? pEnd - 1 : pEnd);
  if (effectiveP >= pEnd) {
    if (typeof content !== 'string') reject(`Point write requires a string payload (got ${content === null ? 'object' : typeof content})`);
    const target = floor - effectiveP;
    const path = target >= 1 && target <= digits.length ? digits.slice(0, target) : digits;
    placeAt(copy, path, content, { voice: true });
    const warning = parsesAsStructure(content as string)
      ? `Stored as a string-leaf at "${S}". The content parses as JSON — if you meant a subtree, pass the OBJECT (not a JSON-encoded string).`
      : undefined;
    return warning ? { block: copy, shape: 'point', warning } : { block: copy, shape: 'point' };
  }
  if (!isObject(content)) reject('Subtree (path-walk+descent) write requires an object payload');
  placeAt(copy, digits, cloneJson(content), { voice: false });
  return { block: copy, shape: 'path-walk+descent' };
}

function rootWrite(block: JsonObject, P: number | null, content: unknown): ClientWriteResult {
  if (P === null) {
    if (!isObject(content)) reject('Whole-block write requires an object payload');
    for (const key of Object.keys(block)) delete block[key];
    for (const [key, value] of Object.entries(cloneJson(content as JsonObject))) setOwn(block, key, value);
    return { block, shape: 'block' };
  }
  const floor = floorDepth(block);
  const items: Array<[string, unknown]> = Array.isArray(content)
    ? content.map((item) => {
        if (!isObject(item) || typeof own(item, 'address') !== 'string') return reject('Disc write requires array of {address, content} or sparse object');
        return [own(item, 'address') as string, own(item, 'content')];
      })
    : isObject(content)
      ? Object.entries(content)
      : reject('Disc write requires array of {address, content} or sparse object');
  for (const [address, value] of items) placeAt(block, parseSpindle(address, floor).digits, cloneJson(value), { voice: false });
  return { block, shape: 'disc' };
}

/** `X*`: writes inside the hidden directory of X (the deepest existing node on the way, a reference quirk). */
function starWrite(block: JsonObject, digits: number[], P: number | null, content: unknown, S: string): JsonObject {
  let node: unknown = block;
  for (const d of digits) {
    const next = isObject(node) ? own(node, digitKey(d)) : undefined;
    if (next === undefined) break;
    node = next;
  }
  if (!isObject(node)) return reject(`Star write: terminus at "${S}" is not an object`);
  const current = own(node, '_');
  const directory: JsonObject = isObject(current) ? current : { _: typeof current === 'string' ? current : '' };
  if (directory !== current) setOwn(node, '_', directory);
  const inner = rootWrite(cloneJson(directory), P, content).block;
  setOwn(node, '_', inner);
  return block;
}

function parsesAsStructure(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

