// The shape gate (§8.5): spine keys only, and no JSON-stringified structure hiding in a string.
import { isSpineKey } from './block.js';
import { BeachError } from './errors.js';
import { isObject } from './json.js';

/** Nesting beyond this is refused: no block needs it, and deeper JSON would overflow recursive copies. */
export const MAX_CONTENT_DEPTH = 256;

/** Throws 400 invalid_shape when a value breaks the spine rule. Iterative, so deep input cannot overflow the stack. */
export function validateShape(value: unknown): void {
  const stack: Array<[unknown, string, number]> = [[value, '', 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (depth > MAX_CONTENT_DEPTH) throw new BeachError(400, 'invalid_shape', `content nests deeper than ${MAX_CONTENT_DEPTH} levels`);
    if (typeof v === 'string') {
      if (looksLikeJsonStructure(v)) {
        const kind = v.trim().startsWith('[') ? 'array' : 'object';
        throw new BeachError(400, 'invalid_shape', `invalid value at "${(path.length > 120 ? `…${path.slice(-120)}` : path) || '<root>'}" — JSON-stringified ${kind}; write the structure directly, not as a string`);
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`, depth + 1]));
    } else if (isObject(v)) {
      for (const key of Object.keys(v)) {
        const child = path ? `${path}.${key}` : key;
        const shown = child.length > 120 ? `…${child.slice(-120)}` : child;
        if (!isSpineKey(key)) {
          throw new BeachError(
            400,
            'invalid_shape',
            `invalid key "${shown}" — pscale spine accepts only "_" and single digits 1-9 at each level (compound supernest slots like 11 or 234 are stored hierarchically as nested single-digit keys, not literal keys)`,
          );
        }
        stack.push([v[key], child, depth + 1]);
      }
    }
  }
}

function looksLikeJsonStructure(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length <= 1 || !(trimmed.startsWith('{') || trimmed.startsWith('['))) return false;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}
