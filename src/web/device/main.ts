// The device approval page (GET /auth/device, RFC 8628's verification_uri; `?user_code=` prefills
// the code). Signed in with a passkey, the user enters or confirms the code the device shows, sees
// which client asks for what, and approves the requested scope or a narrower one — the form only
// offers narrowings, and the server refuses anything wider (§11 item 11) — or denies.
import type { DeviceRequest } from '../../protocol/wire/identity.js';
import { button, fill, finish, levelSelect, levelsUpTo, problem, showUser, LEVEL_TEXT, type Level } from '../shared/approval.js';
import { el } from '../shared/dom.js';
import { pageClient, requireSession } from '../shared/session.js';
import '../shared/consent.css';

const client = pageClient();

/** One line of the consent form: whether it is granted and, for rooms, at which level. */
interface Choice {
  item: (level: Level) => string;
  checkbox: HTMLInputElement;
  select: HTMLSelectElement | null;
  fixedLevel: Level;
}

function askForCode(message = ''): void {
  const input = el('input', { type: 'text', id: 'user-code', name: 'user_code', maxlength: '9', placeholder: 'XXXX-XXXX', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'code shown by the device' }) as HTMLInputElement;
  const error = el('p', { class: 'error', role: 'alert', id: 'code-error' }, message);
  const form = el('form', { id: 'code-form', class: 'box' },
    el('label', { for: 'user-code' }, 'Enter the code your device shows'),
    input,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Continue')),
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = input.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (code.length !== 8) {
      error.textContent = 'The code has eight letters and digits, like ABCD-EF23.';
      return;
    }
    void lookUp(code);
  });
  fill(el('h2', {}, 'Authorize a device'), el('p', { class: 'dim' }, 'A command-line tool or an agent asked to sign in to your account.'), form);
  input.focus();
}

async function lookUp(code: string): Promise<void> {
  try {
    consent(await client.lookupDeviceAuth(code));
  } catch (error) {
    askForCode(problem(error));
  }
}

function consent(request: DeviceRequest): void {
  const choices: Choice[] = [];
  const rooms = el('fieldset', { id: 'rooms' }, el('legend', {}, 'Rooms'));
  const { requested } = request;
  /** A line: a level select up to `maxLevel`, or for a fixed grant the level it has (null: none shown). */
  const add = (parent: HTMLElement, label: Node | string, checked: boolean, maxLevel: Level | null, item: Choice['item'], name: string, fixedLevel: Level | null = null) => {
    const checkbox = el('input', { type: 'checkbox', 'data-grant': name }) as HTMLInputElement;
    checkbox.checked = checked;
    const select = maxLevel ? levelSelect(levelsUpTo(maxLevel), maxLevel, { 'data-level': name, 'aria-label': `level for ${name}` }) : null;
    const fixed = fixedLevel ? el('span', { class: 'badge' }, LEVEL_TEXT[fixedLevel] ?? fixedLevel) : el('span', {});
    parent.append(el('label', { class: 'grant' }, checkbox, label, select ?? fixed));
    choices.push({ item, checkbox, select, fixedLevel: fixedLevel ?? 'full' });
  };
  if (requested.wildcard) {
    add(rooms, 'Every room you have a role in', true, requested.wildcard, (l) => (l === 'full' ? 'rooms:*' : `rooms:*:${l}`), '*');
  }
  for (const r of requested.rooms) {
    if (r.agent !== null) add(rooms, `${r.room}, only as agent ${r.agent}`, true, null, () => `rooms:${r.room}:agent:${r.agent}`, r.room, 'write');
    else add(rooms, r.room, true, r.level, (l) => (l === 'full' ? `rooms:${r.room}` : `rooms:${r.room}:${l}`), r.room);
  }
  // A wildcard may be narrowed to some of the user's rooms, one by one, each at most at its level.
  if (requested.wildcard) {
    const named = new Set(requested.rooms.map((r) => r.room));
    for (const r of request.rooms.filter((x) => !named.has(x.room))) {
      add(rooms, el('span', {}, r.room, ' ', el('span', { class: 'badge' }, r.role)), false, requested.wildcard, (l) => (l === 'full' ? `rooms:${r.room}` : `rooms:${r.room}:${l}`), r.room);
    }
  }
  const other = el('fieldset', { id: 'other' }, el('legend', {}, 'Also'));
  if (requested.create_rooms) add(other, 'Create new rooms (you will own them)', true, null, () => 'create_rooms', 'create_rooms');
  if (requested.tokens_manage) add(other, 'List, mint and revoke your tokens', true, null, () => 'tokens:manage', 'tokens:manage');

  const preview = el('p', { class: 'mono', id: 'granted' });
  const approve = button('Approve', { id: 'approve' }, async () => {
    approve.disabled = true;
    try {
      const approved = await client.approveDeviceAuth(request.user_code, scopeText());
      finish('Device authorized', `Granted: ${approved.scope}. You can close this tab and return to your terminal.`, 'ok');
    } catch (error) {
      approve.disabled = false;
      status.textContent = problem(error);
    }
  });
  const deny = button('Deny', { id: 'deny', class: 'secondary' }, async () => {
    try {
      await client.denyDeviceAuth(request.user_code);
      finish('Request denied', 'Nothing was granted; the device will be told.', 'dim');
    } catch (error) {
      status.textContent = problem(error);
    }
  });
  const status = el('p', { class: 'error', role: 'alert', id: 'status' });
  const scopeText = () => choices.filter((c) => c.checkbox.checked).map((c) => c.item((c.select?.value as Level | undefined) ?? c.fixedLevel)).join(' ');
  const update = () => {
    const text = scopeText();
    preview.textContent = text ? `Will grant: ${text}` : 'Nothing selected: choose something to grant, or deny.';
    approve.disabled = text === '';
  };
  for (const c of choices) {
    c.checkbox.addEventListener('change', update);
    c.select?.addEventListener('change', update);
  }
  fill(
    el('h2', {}, 'Authorize a device'),
    el('p', {}, 'Check that the device shows this code:'),
    el('p', { class: 'code', id: 'code' }, request.user_code),
    el('div', { class: 'box' },
      el('span', {}, 'Client: ', el('strong', { id: 'client' }, request.client_id ?? 'unnamed')),
      el('span', { class: 'dim' }, 'Requested: ', el('span', { class: 'mono', id: 'requested' }, request.scope)),
    ),
    el('p', { class: 'dim' }, 'You can grant less than it asks for, never more; what you grant never exceeds your role in a room.'),
    rooms.childElementCount > 1 && rooms,
    other.childElementCount > 1 && other,
    preview,
    el('div', { class: 'actions' }, deny, approve),
    status,
  );
  update();
}

async function main(): Promise<void> {
  showUser(await requireSession(client));
  const params = new URLSearchParams(location.search);
  const code = (params.get('user_code') ?? params.get('code') ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (code.length === 8) await lookUp(code);
  else askForCode();
}

main().catch((error: unknown) => finish('Something went wrong', problem(error), 'error'));
