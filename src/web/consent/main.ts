// The OAuth consent page (/oauth/consent?request=…): a signed-in user sees which application asks
// (its name, and the host it sends the browser back to), what it asks for, may give less, and
// approves or denies. The request itself is kept by the server; this page only shows and decides.
import { isAgentSyncError } from '../../client/index.js';
import { byId, el } from '../shared/dom.js';
import { pageClient, requireSession } from '../shared/session.js';
import { choicesOf, scopeOf } from './scope-choices.js';
import './style.css';

const client = pageClient();
const handle = new URLSearchParams(location.search).get('request') ?? '';

function fail(message: string): void {
  byId('status').textContent = message;
  byId('status').className = 'error';
}

function describeError(error: unknown): string {
  return isAgentSyncError(error) ? error.message : 'Something went wrong; try again from the application.';
}

async function main(): Promise<void> {
  const session = await requireSession(client);
  if (!handle) return fail('This page needs an authorization request; start again from the application.');
  let request;
  try {
    request = await client.oauthRequest(handle);
  } catch (error) {
    return fail(describeError(error));
  }
  byId('status').hidden = true;
  byId('client-name').textContent = request.client_name ?? request.client_id;
  byId('redirect-host').textContent = request.redirect_host;
  byId('redirect-kind').textContent = request.redirect_local ? '(an application on this computer)' : '(a web site)';
  byId('username').textContent = session.user.username;
  const fieldset = byId('scope');
  const rows = choicesOf(request.scope).map((choice) => {
    const box = el('input', { type: 'checkbox', checked: '', 'data-item': choice.item }) as HTMLInputElement;
    const select = choice.levels.length > 1 ? (el('select', { 'aria-label': 'level' }, ...choice.levels.map((l) => el('option', { value: l }, l))) as HTMLSelectElement) : null;
    fieldset.append(el('label', { class: 'choice' }, box, ` ${choice.label} `, select, el('code', { class: 'dim' }, choice.item)));
    return { choice, box, select };
  });
  byId('request').hidden = false;

  const decide = async (approve: boolean) => {
    byId('error').textContent = '';
    const picked = rows.filter((r) => r.box.checked).map((r) => ({ item: r.choice.item, level: r.select?.value }));
    if (approve && picked.length === 0) {
      byId('error').textContent = 'Tick at least one item, or deny.';
      return;
    }
    for (const b of document.querySelectorAll('button')) b.disabled = true;
    try {
      const { redirect } = await client.oauthDecide(handle, approve ? { approve, scope: scopeOf(picked) } : { approve });
      byId('request').hidden = true;
      byId('status').hidden = false;
      byId('status').className = 'dim';
      byId('status').textContent = approve ? `Approved: returning to ${request.redirect_host}…` : `Denied: returning to ${request.redirect_host}…`;
      location.assign(redirect);
    } catch (error) {
      for (const b of document.querySelectorAll('button')) b.disabled = false;
      byId('error').textContent = describeError(error);
    }
  };
  byId('approve').addEventListener('click', () => void decide(true));
  byId('deny').addEventListener('click', () => void decide(false));
}

void main().catch((error: unknown) => fail(describeError(error)));
