// A token's scope as the page shows and edits it: one item per room, the rooms:* wildcard and the
// two flags. The server parses and checks every scope (strictly); this only splits its canonical
// text into items, orders levels, and writes the items back as text.

export type Level = 'read' | 'write' | 'full';

export const LEVELS: readonly Level[] = ['read', 'write', 'full'];

export type ScopeItem =
  | { kind: 'room'; room: string; level: Level; agent: string | null }
  | { kind: 'all'; level: Level }
  | { kind: 'flag'; flag: 'create_rooms' | 'tokens:manage' }
  /** An item this page does not know (a newer server's): kept as it is. */
  | { kind: 'other'; text: string };

const isLevel = (s: string | undefined): s is Level => s === 'read' || s === 'write';

export function scopeItems(text: string): ScopeItem[] {
  return text.split(/\s+/).filter(Boolean).map((item): ScopeItem => {
    if (item === 'create_rooms' || item === 'tokens:manage') return { kind: 'flag', flag: item };
    const [head, target, a, b, ...rest] = item.split(':');
    if (head !== 'rooms' || !target || rest.length > 0) return { kind: 'other', text: item };
    const level = a === undefined ? 'full' : isLevel(a) && b === undefined ? a : null;
    if (target === '*') return level ? { kind: 'all', level } : { kind: 'other', text: item };
    if (a === 'agent' && b) return { kind: 'room', room: target, level: 'write', agent: b };
    return level ? { kind: 'room', room: target, level, agent: null } : { kind: 'other', text: item };
  });
}

export function itemText(item: ScopeItem): string {
  switch (item.kind) {
    case 'flag':
      return item.flag;
    case 'other':
      return item.text;
    case 'all':
      return item.level === 'full' ? 'rooms:*' : `rooms:*:${item.level}`;
    case 'room':
      if (item.agent !== null) return `rooms:${item.room}:agent:${item.agent}`;
      return item.level === 'full' ? `rooms:${item.room}` : `rooms:${item.room}:${item.level}`;
  }
}

export const scopeText = (items: readonly ScopeItem[]): string => items.map(itemText).join(' ');

/** What an item allows, in words. */
export function describeItem(item: ScopeItem): string {
  switch (item.kind) {
    case 'flag':
      return item.flag === 'create_rooms' ? 'may create rooms' : 'may manage your tokens';
    case 'other':
      return item.text;
    case 'all':
      return `all your rooms · ${item.level}`;
    case 'room':
      return item.agent !== null ? `${item.room} · as agent ${item.agent}` : `${item.room} · ${item.level}`;
  }
}

/** The levels at or below `level`, most first. */
export const levelsUpTo = (level: Level): Level[] => LEVELS.slice(0, LEVELS.indexOf(level) + 1).reverse();

/**
 * Why keeping only `kept` of `original` would widen a token (null when it does not): a named room
 * beats rooms:*, so dropping a room named below the remaining wildcard's level (or bound to an
 * agent) would hand that room to the wildcard. Lowering and dropping are otherwise always narrower.
 */
export function widenedByDropping(original: readonly ScopeItem[], kept: readonly ScopeItem[]): string | null {
  const all = kept.find((i) => i.kind === 'all');
  if (!all) return null;
  const keptRooms = new Set(kept.flatMap((i) => (i.kind === 'room' ? [i.room] : [])));
  for (const item of original) {
    if (item.kind !== 'room' || keptRooms.has(item.room)) continue;
    if (item.agent !== null || LEVELS.indexOf(item.level) < LEVELS.indexOf(all.level)) {
      return `Removing ${itemText(item)} would give ${item.room} the ${itemText(all)} level instead; lower rooms:* first, or keep it.`;
    }
  }
  return null;
}

/** The highest level a role can use in its room (a token never gets more than its user's role). */
export const ROLE_CEILING: Readonly<Record<string, Level>> = { owner: 'full', collaborator: 'write', participant: 'write', observer: 'read' };
