// Default identities the beach seeds into blocks it creates (§3.3, §8.7).

export function defaultIdentity(name: string, origin: string): string {
  const prefix = name.split(':')[0];
  if (prefix === 'marks') return `Marks at ${origin}. Open stigmergy — each digit-path slot is one contribution (block-conventions:9).`;
  if (prefix === 'presence') return `Presence at ${origin}. One slot per agent, heartbeat-overwritten (block-conventions:4.6).`;
  if (prefix === 'liquid') return `Liquid composition buffer at ${origin}. Pre-commit slots (block-conventions:4.5).`;
  return `${name} at ${origin}.`;
}

export const sedIdentity = (collective: string, origin: string): string => `sed: collective ${collective} hosted at ${origin}`;

export const liquidBase = (pool: string): string =>
  `Liquid pre-commit buffer for liquid:${pool} (block-conventions:4.5) — one slot per author, overwriting; the social mirror of pending intentions before commit. Empty means no live window.`;
