// The shape gate (§8.5): spine keys only, and no JSON-stringified structure hiding in a string.
import { isSpineKey } from './block.js';
import { BeachError } from './errors.js';
import { isObject } from './json.js';

/** Throws 400 invalid_shape when a value breaks the spine rule. Iterative, so deep input cannot overflow the stack. */
export function validateShape(value: unknown): void {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (looksLikeJsonStructure(v)) {
        const kind = v.trim().startsWith('[') ? 'array' : 'object';
        throw new BeachError(400, 'invalid_shape', `invalid value at "${path || '<root>'}" — JSON-stringified ${kind}; write the structure directly, not as a string`);
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (isObject(v)) {
      for (const key of Object.keys(v)) {
        const child = path ? `${path}.${key}` : key;
        if (!isSpineKey(key)) {
          throw new BeachError(
            400,
            'invalid_shape',
            `invalid key "${child}" — pscale spine accepts only "_" and single digits 1-9 at each level (compound supernest slots like 11 or 234 are stored hierarchically as nested single-digit keys, not literal keys)`,
          );
        }
        stack.push([v[key], child]);
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
