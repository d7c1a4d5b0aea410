// The page's reading of scopes agrees with the server's grammar (core/identity/scope.ts): every
// canonical scope splits into items and joins back unchanged, and every narrowing the page offers
// is within the original scope.
import { describe, expect, it } from 'vitest';
import { exceeds, formatScope, parseScope } from '../../core/identity/scope.js';
import { levelsUpTo, scopeItems, scopeText, widenedByDropping, type ScopeItem } from './scope-items.js';

const SCOPES = [
  'rooms:*',
  'rooms:*:read create_rooms',
  'rooms:*:write rooms:a rooms:b:read rooms:c:agent:bot tokens:manage',
  'rooms:constructor:write rooms:a.b-c_d create_rooms tokens:manage',
  'rooms:*:read rooms:x:agent:bot rooms:y:read rooms:z',
  'create_rooms',
];

/** Every scope the narrowing form can produce from `items`: each item kept, lowered or dropped. */
function narrowings(items: ScopeItem[]): ScopeItem[][] {
  if (items.length === 0) return [[]];
  const [first, ...rest] = items;
  const options: Array<ScopeItem | null> = [null];
  if (first!.kind === 'all' || (first!.kind === 'room' && first!.agent === null)) options.push(...levelsUpTo(first!.level).map((level) => ({ ...first!, level }) as ScopeItem));
  else options.push(first!);
  return narrowings(rest).flatMap((tail) => options.map((o) => (o ? [o, ...tail] : tail)));
}

describe('scope items on the management page', () => {
  it('round-trips the canonical scope text', () => {
    for (const text of SCOPES) {
      expect(formatScope(parseScope(text))).toBe(text);
      expect(scopeText(scopeItems(text))).toBe(text);
    }
  });

  it('reads levels and agent bindings as the server does', () => {
    expect(scopeItems('rooms:*:read rooms:a rooms:b:write rooms:c:agent:bot create_rooms')).toEqual([
      { kind: 'all', level: 'read' },
      { kind: 'room', room: 'a', level: 'full', agent: null },
      { kind: 'room', room: 'b', level: 'write', agent: null },
      { kind: 'room', room: 'c', level: 'write', agent: 'bot' },
      { kind: 'flag', flag: 'create_rooms' },
    ]);
    // an item it does not know is kept verbatim, never reinterpreted
    expect(scopeItems('rooms:a:admin future:thing')).toEqual([{ kind: 'other', text: 'rooms:a:admin' }, { kind: 'other', text: 'future:thing' }]);
  });

  it('saves only narrowings: a choice the page accepts is within the original scope, and it refuses only widenings', () => {
    let accepted = 0;
    let refused = 0;
    for (const text of SCOPES) {
      const original = scopeItems(text);
      for (const narrowed of narrowings(original)) {
        if (narrowed.length === 0) continue;
        const widens = exceeds(parseScope(scopeText(narrowed)), parseScope(text));
        const pageSays = widenedByDropping(original, narrowed);
        expect(pageSays === null, `${scopeText(narrowed)} from ${text}: server says ${widens}`).toBe(widens === null);
        if (pageSays === null) accepted++;
        else refused++;
      }
    }
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(5);
  });
});
