// Block kinds by name prefix: ordinary blocks, `sed:<collective>` and `grain:<pair id>`.

export type BlockKind = { kind: 'ordinary' } | { kind: 'sed'; collective: string } | { kind: 'grain'; pid: string };

export function blockKind(name: string): BlockKind {
  if (name.startsWith('sed:')) return { kind: 'sed', collective: name.slice(4) };
  if (name.startsWith('grain:')) return { kind: 'grain', pid: name.slice(6) };
  return { kind: 'ordinary' };
}

export const isSubstrate = (name: string): boolean => blockKind(name).kind !== 'ordinary';
