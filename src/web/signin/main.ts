// /signin?next=<path>: create an account with a passkey or sign in with one, then go to `next`
// (a path on this origin only; anything else goes to /manage). A visitor already signed in may
// continue, sign out, or manage their passkeys and recovery codes.
import '../shared/auth.css';
import { passkeysPanel, recoveryPanel } from '../shared/account-panels.js';
import { byId } from '../shared/dom.js';
import { ceremonyError, registerPasskey, safeNext, signInWithPasskey } from '../shared/passkey-ceremony.js';
import { currentSession, pageClient } from '../shared/session.js';

const client = pageClient();
const next = safeNext(new URLSearchParams(location.search).get('next'));
const status = byId('status');
const error = byId('error');
const buttons = [byId<HTMLButtonElement>('signin-button'), byId<HTMLButtonElement>('register-button')];

async function run(what: string, ceremony: () => Promise<unknown>): Promise<void> {
  error.textContent = '';
  status.textContent = what;
  for (const b of buttons) b.disabled = true;
  try {
    await ceremony();
    status.textContent = 'Signed in; redirecting…';
    location.assign(next);
  } catch (e) {
    status.textContent = '';
    error.textContent = ceremonyError(e);
    for (const b of buttons) b.disabled = false;
  }
}

byId('signin-button').addEventListener('click', () => void run('Touch your authenticator…', () => signInWithPasskey(client)));
byId<HTMLFormElement>('register-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const username = byId<HTMLInputElement>('username').value.trim();
  void run('Creating your passkey…', () => registerPasskey(client, { username }));
});
byId('continue').addEventListener('click', () => location.assign(next));
byId('signout').addEventListener('click', () => {
  void client.signOut().then(() => location.reload(), (e: unknown) => (error.textContent = ceremonyError(e)));
});

const session = await currentSession(client).catch(() => null);
if (session) {
  byId('who').textContent = session.user.username;
  byId('signed-in').hidden = false;
  for (const id of ['signin-card', 'or', 'register-form']) byId(id).hidden = true;
  byId('account').replaceChildren(await passkeysPanel(client), await recoveryPanel(client));
}
