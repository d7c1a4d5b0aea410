// The floor invariant: the beach never stores a block whose root `_` chain lacks an identity string.
import { hasFloor } from './block.js';
import { isObject, own, setOwn, type JsonObject } from './json.js';

/** Mutates a floorless block: the end of its root `_` chain receives the default identity. */
export function healFloor(block: JsonObject, identity: string): void {
  if (hasFloor(block)) return;
  let node = block;
  for (let next = own(node, '_'); isObject(next); next = own(node, '_')) node = next;
  setOwn(node, '_', identity);
}
