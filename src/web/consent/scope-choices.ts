// The consent page's scope choices: each requested item is a checkbox (ticked), and a rooms:*
// item may be lowered to write or read. The result is the requested scope or a narrower one; the
// server refuses anything wider anyway.

export interface ScopeChoice {
  item: string;
  label: string;
  /** Levels a wildcard may be lowered to (most first); empty for other items. */
  levels: string[];
}

const WILDCARD_LEVELS = ['full', 'write', 'read'];

export function choicesOf(scope: string): ScopeChoice[] {
  return scope.split(' ').filter(Boolean).map((item): ScopeChoice => {
    if (item === 'create_rooms') return { item, label: 'Create new rooms (you own them)', levels: [] };
    const wildcard = /^rooms:\*(?::(read|write))?$/.exec(item);
    if (wildcard) {
      const from = WILDCARD_LEVELS.indexOf(wildcard[1] ?? 'full');
      return { item, label: 'Every room you belong to', levels: WILDCARD_LEVELS.slice(from) };
    }
    const agent = /^rooms:([^:]+):agent:(.+)$/.exec(item);
    if (agent) return { item, label: `Room ${agent[1]}, acting only as ${agent[2]}`, levels: [] };
    const room = /^rooms:([^:]+)(?::(read|write))?$/.exec(item);
    if (room) return { item, label: `Room ${room[1]} (${room[2] ?? 'full'})`, levels: [] };
    return { item, label: item, levels: [] };
  });
}

/** The scope text from the ticked items and the chosen wildcard level. */
export function scopeOf(picked: Array<{ item: string; level?: string }>): string {
  return picked.map(({ item, level }) => (item.startsWith('rooms:*') && level ? (level === 'full' ? 'rooms:*' : `rooms:*:${level}`) : item)).join(' ');
}
