// Accumulator append: at the block root with supernesting (§3.4), or beneath a node, nine at most (§3.5).
import { fullWidthAddress, parseSpindle } from './address.js';
import { DIGIT_KEYS, floorDepth, type Block } from './block.js';
import { BeachError } from './errors.js';
import { healFloor } from './heal.js';
import { cloneJson, isObject, own, type JsonObject } from './json.js';
import { placeKeys } from './place.js';
import { walk } from './walk.js';
import { firstFreeSlot, owedSummaries, type OwedSummary } from './zero-free.js';

export interface RootAppendResult {
  block: Block;
  slot: string;
  supernested: boolean;
  floor: number;
  owed: OwedSummary[];
}

/** Appends `entry` at the first free zero-free slot of length floor; supernests when all are taken. */
export function appendAtRoot(existing: Block | null, entry: unknown, identity: string): RootAppendResult {
  let block: Block = existing === null ? { _: identity } : cloneJson(existing);
  healFloor(block, identity);
  let floor = floorDepth(block);
  let slot = firstFreeSlot(block, floor);
  let supernested = false;
  if (slot === null) {
    block = { _: block };
    floor += 1;
    supernested = true;
    slot = firstFreeSlot(block, floor)!;
  }
  placeKeys(block, [...slot], cloneJson(entry), { voice: false });
  return { block, slot, supernested, floor, owed: owedSummaries(block) };
}

export interface NodeAppendResult {
  block: Block;
  slot: string;
  address: string;
  node: string;
}

/** Appends beneath the node at `spindle` (already authorised): first free of 1–9, never wraps or spills. */
export function appendAtNode(existing: Block, name: string, spindle: string, entry: unknown): NodeAppendResult {
  const block = cloneJson(existing);
  const floor = floorDepth(block);
  const { digits } = parseSpindle(spindle, floor);
  const node = digits.length === 0 ? undefined : walk(block, digits);
  if (node === undefined || node === null) {
    throw new BeachError(404, 'not_found', `no node at "${spindle}" of "${name}" — append lands beneath an existing node; write the node first`);
  }
  const nodeAddress = fullWidthAddress(digits, floor);
  if (!isObject(node)) {
    throw new BeachError(409, 'append_at_leaf', `"${spindle}" of "${name}" is a leaf — an append lands beneath a node; write the node as an object first`);
  }
  const free = DIGIT_KEYS.find((key) => own(node, key) === undefined);
  if (free === undefined) throw nodeFull(node, digits, floor, name, nodeAddress);
  (node as JsonObject)[free] = cloneJson(entry);
  return { block, slot: free, address: fullWidthAddress([...digits, Number(free)], floor), node: nodeAddress };
}

function nodeFull(node: JsonObject, digits: number[], floor: number, name: string, nodeAddress: string): BeachError {
  const slots = DIGIT_KEYS.map((key) => {
    const occupant = own(node, key);
    const ts = isObject(occupant) && typeof own(occupant, '3') === 'string' ? (own(occupant, '3') as string) : null;
    return { address: fullWidthAddress([...digits, Number(key)], floor), ts };
  });
  const dated = slots.every((s) => s.ts !== null && !Number.isNaN(Date.parse(s.ts)));
  const oldest = dated ? slots.reduce((a, b) => (Date.parse(b.ts!) < Date.parse(a.ts!) ? b : a)).address : null;
  const hint = oldest === null ? '' : ` Longest-standing is ${oldest}; overwrite it with a spindled write to reuse the slot.`;
  return new BeachError(
    409,
    'node_full',
    `node "${nodeAddress}" of "${name}" holds nine entries — a node-scoped append never wraps or spills; append at a block root to accumulate beyond nine.${hint}`,
    { node: nodeAddress, slots, oldest },
  );
}
