// Small shared pieces of the management page: dates, token status, error lines, confirmations.
import { isAgentSyncError } from '../../client/index.js';
import type { TokenInfo } from '../../protocol/wire/identity.js';
import { el } from '../shared/dom.js';
import { signInUrl } from '../shared/session.js';

/** A timestamp in the reader's own time zone, or a dash. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '—' : t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export type TokenStatus = 'active' | 'revoked' | 'expired';

export const tokenStatus = (t: TokenInfo): TokenStatus => (t.revoked ? 'revoked' : t.expired ? 'expired' : 'active');

/**
 * Show what went wrong in `line` (a role=alert element). A 401 means the session ended (signed
 * out elsewhere, expired): the visitor goes to sign in again and comes back here.
 */
export function showError(line: HTMLElement, error: unknown): void {
  if (isAgentSyncError(error) && error.status === 401) {
    location.assign(signInUrl());
    return;
  }
  line.textContent = isAgentSyncError(error) ? `${error.code}: ${error.message}` : String(error);
}

export const errorLine = (): HTMLElement => el('p', { class: 'error', role: 'alert' });

/**
 * A button that asks before it acts: the first click shows "question [confirm] [cancel]" in its
 * place, the confirm button runs `act`.
 */
export function confirmButton(label: string, question: string, confirmLabel: string, act: () => Promise<void>, attrs: Record<string, string> = {}): HTMLElement {
  const holder = el('span', { class: 'confirm' });
  const start = el('button', { type: 'button', class: 'danger', ...attrs }, label);
  const ask = () => {
    const yes = el('button', { type: 'button', class: 'danger', 'data-confirm': '' }, confirmLabel);
    const no = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    yes.addEventListener('click', () => {
      (yes as HTMLButtonElement).disabled = true;
      void act().finally(() => holder.replaceChildren(start));
    });
    no.addEventListener('click', () => holder.replaceChildren(start));
    holder.replaceChildren(el('span', { class: 'question' }, question), yes, no);
  };
  start.addEventListener('click', ask);
  holder.append(start);
  return holder;
}
