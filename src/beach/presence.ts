// The presence sweep (§8.9): on every save of the block named `presence`, stale entries are dropped.
import { DIGIT_KEYS } from './block.js';
import { isObject, own, type JsonObject } from './json.js';

export const PRESENCE_STALE_MS = 60_000;

const isPresenceEntry = (node: JsonObject): boolean =>
  typeof own(node, '1') === 'string' && typeof own(node, '2') === 'string' && typeof own(node, '3') === 'string' && own(node, '4') === undefined;

/** Mutates `node`: removes presence entries older than 60 s; containers left without digits go too. */
export function sweepPresence(node: JsonObject, now: number): void {
  for (const key of DIGIT_KEYS) {
    const child = own(node, key);
    if (!isObject(child)) continue;
    if (isPresenceEntry(child)) {
      const at = Date.parse(child['3'] as string);
      if (!Number.isNaN(at) && now - at > PRESENCE_STALE_MS) delete node[key];
      continue;
    }
    sweepPresence(child, now);
    if (!DIGIT_KEYS.some((k) => own(child, k) !== undefined)) delete node[key];
  }
}
