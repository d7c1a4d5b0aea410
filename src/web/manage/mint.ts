// Minting a token: a scope picked from the user's own rooms (each up to what their role allows),
// rooms:* at a level, create_rooms and tokens:manage; a label, a lifetime and, optionally, a
// refresh token. The secret is shown once, with a copy button; the server never shows it again.
import type { AgentSyncClient, MintedToken } from '../../client/index.js';
import { el } from '../shared/dom.js';
import { errorLine, showError, when } from './format.js';
import type { RoomsState } from './rooms.js';
import { levelsUpTo, ROLE_CEILING, scopeText, type Level, type ScopeItem } from './scope-items.js';

const LIFETIMES: Array<[number, string]> = [
  [3600, '1 hour'],
  [86_400, '1 day'],
  [7 * 86_400, '7 days'],
  [30 * 86_400, '30 days'],
  [90 * 86_400, '90 days'],
  [365 * 86_400, '1 year'],
];
const DEFAULT_LIFETIME = 30 * 86_400;

function levelSelect(name: string, levels: Level[], label: string): HTMLSelectElement {
  const select = el('select', { name, 'aria-label': label }, el('option', { value: '' }, '—')) as HTMLSelectElement;
  for (const level of levels) select.append(el('option', { value: level }, level));
  return select;
}

function checkbox(name: string, text: string, hint: string): [HTMLInputElement, HTMLElement] {
  const box = el('input', { type: 'checkbox', name, id: `mint-${name}` }) as HTMLInputElement;
  return [box, el('label', { class: 'check', for: `mint-${name}` }, box, ' ', el('span', { class: 'mono' }, text), el('span', { class: 'dim small' }, ` ${hint}`))];
}

function copyButton(secret: string): HTMLElement {
  const button = el('button', { type: 'button', class: 'secondary', 'data-copy': '' }, 'Copy');
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(secret).then(
      () => (button.textContent = 'Copied'),
      () => (button.textContent = 'Select and copy by hand'),
    );
  });
  return button;
}

/** The secret, once: it is in this page's memory only until the box is closed. */
function secretBox(minted: MintedToken, close: () => void): HTMLElement {
  const secrets: Array<[string, string, string]> = [['Token', 'minted-token', minted.token]];
  if (minted.refresh_token) secrets.push(['Refresh token', 'minted-refresh', minted.refresh_token]);
  const done = el('button', { type: 'button', id: 'minted-done' }, 'Done — I have copied it');
  done.addEventListener('click', close);
  return el(
    'div',
    { class: 'secret', role: 'alert', id: 'minted' },
    el('p', {}, el('strong', {}, 'Copy this token now — it will not be shown again.'), ' ', el('span', { class: 'dim' }, `Scope ${minted.scope} · expires ${when(minted.expires_at)}`)),
    ...secrets.map(([what, id, secret]) => el('div', { class: 'secret-row' }, el('span', { class: 'dim' }, what), el('code', { id }, secret), copyButton(secret))),
    done,
  );
}

/** The mint form; `minted` is told after a token was made (to reload the list). */
export function mintForm(client: AgentSyncClient, rooms: RoomsState, minted: () => void): HTMLElement {
  const perRoom = rooms.rooms.map((room) => ({ room, select: levelSelect(`room:${room.id}`, levelsUpTo(ROLE_CEILING[room.role] ?? 'read'), `level in ${room.id}`) }));
  const all = levelSelect('all', levelsUpTo('full'), 'level in all your rooms');
  const [create, createLabel] = checkbox('create_rooms', 'create_rooms', 'create rooms (you own them)');
  const manage = checkbox('tokens_manage', 'tokens:manage', 'list, mint, narrow and revoke your tokens');
  const labelInput = el('input', { name: 'label', id: 'mint-label', maxlength: '200', placeholder: 'e.g. laptop CLI', autocomplete: 'off' }) as HTMLInputElement;
  const lifetime = el('select', { name: 'expires_in', id: 'mint-expires' }, ...LIFETIMES.map(([s, text]) => el('option', { value: String(s) }, text))) as HTMLSelectElement;
  lifetime.value = String(DEFAULT_LIFETIME);
  const [refresh, refreshLabel] = checkbox('with_refresh', 'refresh token', 'also return a refresh token (30 days, single use, rotated)');
  const preview = el('code', { id: 'mint-preview' });
  const error = errorLine();
  const output = el('div', {});

  const picked = (): ScopeItem[] => {
    const items: ScopeItem[] = [];
    if (all.value) items.push({ kind: 'all', level: all.value as Level });
    for (const { room, select } of perRoom) if (select.value) items.push({ kind: 'room', room: room.id, level: select.value as Level, agent: null });
    if (create.checked) items.push({ kind: 'flag', flag: 'create_rooms' });
    if (manage[0].checked) items.push({ kind: 'flag', flag: 'tokens:manage' });
    return items;
  };
  const update = () => (preview.textContent = scopeText(picked()) || '(nothing picked yet)');

  const roomPicker = perRoom.length === 0
    ? el('p', { class: 'dim small' }, 'No rooms to pick yet.')
    : el('table', { class: 'items', id: 'mint-rooms' }, ...perRoom.map(({ room, select }) => el('tr', { 'data-room': room.id }, el('td', { class: 'mono' }, room.id), el('td', {}, el('span', { class: `badge role-${room.role}` }, room.role)), el('td', {}, select))));

  const form = el(
    'form',
    { id: 'mint-form' },
    el('fieldset', {}, el('legend', {}, 'Rooms'), roomPicker, el('label', { class: 'row' }, el('span', {}, 'All your rooms ', el('span', { class: 'mono dim' }, 'rooms:*')), all)),
    el('fieldset', {}, el('legend', {}, 'Abilities'), createLabel, manage[1]),
    el('fieldset', {}, el('legend', {}, 'Token'),
      el('label', { class: 'row', for: 'mint-label' }, el('span', {}, 'Label'), labelInput),
      el('label', { class: 'row', for: 'mint-expires' }, el('span', {}, 'Expires after'), lifetime),
      refreshLabel,
    ),
    el('p', { class: 'preview' }, el('span', { class: 'dim' }, 'Scope: '), preview),
    el('button', { type: 'submit', id: 'mint-submit' }, 'Mint token'),
    error,
  );
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const scope = scopeText(picked());
    if (!scope) {
      error.textContent = 'Pick at least one room, rooms:*, create_rooms or tokens:manage.';
      return;
    }
    const label = labelInput.value.trim();
    client.mintToken({ scope, ...(label ? { label } : {}), expires_in: Number(lifetime.value), ...(refresh.checked ? { with_refresh: true } : {}) }).then((token) => {
      form.reset();
      lifetime.value = String(DEFAULT_LIFETIME);
      update();
      output.replaceChildren(secretBox(token, () => output.replaceChildren()));
      minted();
    }, (e: unknown) => showError(error, e));
  });
  update();
  return el('div', {}, output, form);
}
