// Tokens: the user's tok_ tokens (never a secret: the server lists none), each with its scope,
// dates and status; an active one can be revoked (after a confirmation) or narrowed.
import type { AgentSyncClient, TokenInfo } from '../../client/index.js';
import { el } from '../shared/dom.js';
import { confirmButton, errorLine, showError, tokenStatus, when } from './format.js';
import { describeItem, levelsUpTo, scopeItems, scopeText, widenedByDropping, type Level, type ScopeItem } from './scope-items.js';

function scopeChips(scope: string): HTMLElement {
  return el('span', { class: 'chips' }, ...scopeItems(scope).map((item) => el('span', { class: 'chip', title: describeItem(item) }, scopeText([item]))));
}

/** One select per scope item: keep it, lower its level, or drop it. Never offers more than the item has. */
function narrowForm(client: AgentSyncClient, token: TokenInfo, done: () => void): HTMLElement {
  const items = scopeItems(token.scope);
  const error = errorLine();
  const choices = items.map((item, i) => {
    const select = el('select', { 'data-item': String(i), 'aria-label': `narrow ${scopeText([item])}` }) as HTMLSelectElement;
    const levels: Level[] = item.kind === 'room' && item.agent === null ? levelsUpTo(item.level) : item.kind === 'all' ? levelsUpTo(item.level) : [];
    if (levels.length > 0) for (const level of levels) select.append(el('option', { value: level }, level));
    else select.append(el('option', { value: 'keep' }, 'keep'));
    select.append(el('option', { value: 'drop' }, 'remove'));
    return { item, select };
  });
  const form = el(
    'form',
    { class: 'narrow', 'data-narrow': token.id },
    el('p', { class: 'dim small' }, 'Lower or remove what this token may do. A token can only be narrowed here; to give more, mint a new one.'),
    el('table', { class: 'items' }, ...choices.map(({ item, select }) => el('tr', {}, el('td', { class: 'mono' }, scopeText([item])), el('td', { class: 'dim' }, describeItem(item)), el('td', {}, select)))),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Save narrower scope'), el('button', { type: 'button', class: 'secondary', 'data-cancel': '' }, 'Cancel')),
    error,
  );
  form.querySelector('[data-cancel]')!.addEventListener('click', done);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const kept: ScopeItem[] = [];
    for (const { item, select } of choices) {
      if (select.value === 'drop') continue;
      kept.push(select.value === 'keep' || item.kind === 'flag' || item.kind === 'other' ? item : { ...item, level: select.value as Level });
    }
    const refusal = kept.length === 0 ? 'A token needs at least one item; revoke it instead.' : widenedByDropping(items, kept);
    if (refusal !== null) {
      error.textContent = refusal;
      return;
    }
    client.patchToken(token.id, { scope: scopeText(kept) }).then(done, (e: unknown) => showError(error, e));
  });
  return form;
}

function tokenRow(client: AgentSyncClient, token: TokenInfo, reload: () => void, error: HTMLElement): HTMLElement[] {
  const status = tokenStatus(token);
  const detail = el('tr', { class: 'detail', hidden: '' }, el('td', { colspan: '7' }));
  const actions = el('td', { class: 'right actions' });
  if (status === 'active') {
    const narrow = el('button', { type: 'button', class: 'secondary', 'data-action': 'narrow' }, 'Narrow');
    narrow.addEventListener('click', () => {
      detail.hidden = !detail.hidden;
      detail.firstElementChild!.replaceChildren(...(detail.hidden ? [] : [narrowForm(client, token, reload)]));
    });
    const revoke = confirmButton('Revoke', 'Revoke this token?', 'Yes, revoke', () => client.revokeToken(token.id).then(reload, (e: unknown) => showError(error, e)), { 'data-action': 'revoke' });
    actions.append(narrow, revoke);
  }
  const row = el(
    'tr',
    { 'data-token': token.id, class: status },
    el('td', {}, token.label ?? el('span', { class: 'dim' }, 'no label'), token.client_id ? el('div', { class: 'dim small' }, token.client_id) : null),
    el('td', {}, scopeChips(token.scope)),
    el('td', { class: 'dim when' }, when(token.created_at)),
    el('td', { class: 'dim when' }, when(token.expires_at)),
    el('td', { class: 'dim when' }, token.last_used_at ? when(token.last_used_at) : 'never'),
    el('td', {}, el('span', { class: `badge status-${status}`, 'data-status': status }, status)),
    actions,
  );
  return [row, detail];
}

/** The token list; `reload` fetches it again (after a mint, revoke or narrowing). */
export async function tokensPanel(client: AgentSyncClient, reload: () => void): Promise<HTMLElement> {
  const { tokens } = await client.listTokens();
  if (tokens.length === 0) return el('p', { class: 'dim', id: 'no-tokens' }, 'No tokens yet. Mint one below for a script, an agent or the CLI.');
  const error = errorLine();
  const active = tokens.filter((t) => tokenStatus(t) === 'active').length;
  return el(
    'div',
    {},
    el('p', { class: 'dim small' }, `${active} active · ${tokens.length - active} revoked or expired`),
    el('table', { class: 'list', id: 'tokens-table' },
      el('thead', {}, el('tr', {}, ...['Label', 'Scope', 'Created', 'Expires', 'Last used', 'Status', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...tokens.flatMap((t) => tokenRow(client, t, reload, error))),
    ),
    error,
  );
}
