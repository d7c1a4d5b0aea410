// What the approval pages (device, elevate) share: the signed-in header, one card to fill, and
// errors shown as sentences. Everything goes into the page as text (dom.ts), never as markup.
import { isAgentSyncError } from '../../client/index.js';
import type { SessionInfo } from '../../protocol/wire/identity.js';
import { byId, clear, el } from './dom.js';

/** Show who is signed in, in the page's header. */
export function showUser(session: SessionInfo): void {
  byId('who').textContent = `signed in as ${session.user.username}`;
}

/** Replace the card's content. */
export function fill(...children: Array<Node | string | null | false>): HTMLElement {
  const card = byId('card');
  clear(card);
  for (const child of children) if (child) card.append(child);
  return card;
}

/** A finished state: a heading and a sentence (success or refusal). */
export function finish(title: string, message: string, tone: 'ok' | 'error' | 'dim' = 'dim'): void {
  fill(el('h2', { 'data-state': tone }, title), el('p', { class: tone, role: tone === 'error' ? 'alert' : 'status' }, message));
}

/** The server's sentence for a refusal (its D2 message), or a generic one. */
export function problem(error: unknown): string {
  if (isAgentSyncError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export function button(label: string, attrs: Record<string, string>, onClick: () => void | Promise<void>): HTMLButtonElement {
  const node = el('button', { type: 'button', ...attrs }, label) as HTMLButtonElement;
  node.addEventListener('click', () => void onClick());
  return node;
}

/** A <select> of levels; `levels` lowest first. */
export function levelSelect(levels: readonly string[], selected: string, attrs: Record<string, string> = {}): HTMLSelectElement {
  const select = el('select', attrs) as HTMLSelectElement;
  for (const level of levels) select.append(el('option', { value: level }, LEVEL_TEXT[level] ?? level));
  select.value = selected;
  return select;
}

export const LEVELS = ['read', 'write', 'full'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_TEXT: Record<string, string> = { read: 'read', write: 'read and write', full: 'full (admin)' };

/** Levels up to and including `max`, lowest first. */
export function levelsUpTo(max: Level): Level[] {
  return LEVELS.slice(0, LEVELS.indexOf(max) + 1);
}
