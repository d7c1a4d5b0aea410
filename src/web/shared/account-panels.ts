// Account panels for pages that manage a signed-in user (the /manage page mounts them): passkeys
// (list, add another, remove) and recovery codes (create — the secret shown once —, list, revoke).
// Each returns its own element and redraws itself after every change.
import type { AgentSyncClient } from '../../client/index.js';
import type { PasskeyInfo, RecoveryCodeInfo } from '../../protocol/wire/passkeys.js';
import { el } from './dom.js';
import { ceremonyError, registerPasskey } from './passkey-ceremony.js';

const day = (iso: string | null) => (iso === null ? 'never' : new Date(iso).toLocaleDateString());

function panel(id: string, title: string, intro: string): { root: HTMLElement; list: HTMLElement; actions: HTMLElement; error: HTMLElement } {
  const list = el('ul', { class: 'items' });
  const actions = el('div', { class: 'actions' });
  const error = el('p', { class: 'error', role: 'alert' });
  const root = el('section', { class: 'card', id }, el('h2', {}, title), el('p', { class: 'dim' }, intro), list, actions, error);
  return { root, list, actions, error };
}

/** Run a change, show its failure in the panel, then redraw. */
async function change(error: HTMLElement, work: () => Promise<unknown>, redraw: () => Promise<void>): Promise<void> {
  error.textContent = '';
  try {
    await work();
  } catch (e) {
    error.textContent = ceremonyError(e);
  }
  await redraw().catch((e: unknown) => (error.textContent = ceremonyError(e)));
}

export async function passkeysPanel(client: AgentSyncClient): Promise<HTMLElement> {
  const p = panel('passkeys-panel', 'Passkeys', 'The passkeys that sign you in. Keep at least two, on different devices, or a recovery code.');
  const redraw = async () => {
    const { passkeys } = await client.listPasskeys();
    p.list.replaceChildren(...passkeys.map((k: PasskeyInfo) => {
      const remove = el('button', { class: 'danger', type: 'button', 'data-passkey': k.id, title: 'Remove this passkey' }, 'Remove');
      remove.addEventListener('click', () => void change(p.error, () => client.removePasskey(k.id), redraw));
      const label = `${k.name ?? 'Passkey'} · added ${day(k.created_at)} · last used ${day(k.last_used_at)}${k.backed_up ? ' · synced' : ''}`;
      return el('li', { class: 'passkey' }, el('span', { class: 'grow' }, label), passkeys.length > 1 ? remove : el('span', { class: 'dim' }, 'only passkey'));
    }));
  };
  const name = el('input', { id: 'passkey-name', placeholder: 'Name (optional), e.g. laptop', maxlength: '64' }) as HTMLInputElement;
  const add = el('button', { id: 'add-passkey', type: 'button' }, 'Add a passkey');
  add.addEventListener('click', () => void change(p.error, () => registerPasskey(client, { name: name.value.trim() || undefined }), async () => {
    name.value = '';
    await redraw();
  }));
  p.actions.append(name, el('div', {}, add));
  await redraw();
  return p.root;
}

export async function recoveryPanel(client: AgentSyncClient): Promise<HTMLElement> {
  const p = panel('recovery-panel', 'Recovery codes', 'A recovery code lets you register a new passkey on /recover if you lose all of yours. At most 3, each valid 90 days and usable once.');
  const fresh = el('div', { id: 'new-recovery-code' });
  const redraw = async () => {
    const { recovery_codes } = await client.listRecoveryCodes();
    const live = recovery_codes.filter((c: RecoveryCodeInfo) => !c.used && !c.expired);
    p.list.replaceChildren(...live.map((c) => {
      const revoke = el('button', { class: 'danger', type: 'button', 'data-recovery': c.id }, 'Revoke');
      revoke.addEventListener('click', () => void change(p.error, () => client.revokeRecoveryCode(c.id), redraw));
      return el('li', { class: 'recovery-code' }, el('span', { class: 'grow' }, `Created ${day(c.created_at)} · expires ${day(c.expires_at)}`), revoke);
    }));
    if (live.length === 0) p.list.append(el('li', { class: 'dim' }, 'No recovery codes.'));
  };
  const create = el('button', { id: 'create-recovery-code', type: 'button' }, 'Create a recovery code');
  create.addEventListener('click', () => void change(p.error, async () => {
    const created = await client.createRecoveryCode();
    fresh.replaceChildren(el('p', { class: 'dim' }, created.warning), el('code', { class: 'secret' }, created.code));
  }, redraw));
  p.actions.append(fresh, el('div', {}, create));
  await redraw();
  return p.root;
}
