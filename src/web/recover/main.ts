// /recover: a recovery code buys a short recovery session that can only register a new passkey
// for its user; registering uses the code up, ends that session and signs the user in.
import '../shared/auth.css';
import { byId } from '../shared/dom.js';
import { ceremonyError, registerPasskey } from '../shared/passkey-ceremony.js';
import { pageClient } from '../shared/session.js';

const client = pageClient();
const status = byId('status');
const error = byId('error');

async function step(button: HTMLButtonElement, what: string, work: () => Promise<void>): Promise<void> {
  error.textContent = '';
  status.textContent = what;
  button.disabled = true;
  try {
    await work();
    status.textContent = '';
  } catch (e) {
    status.textContent = '';
    error.textContent = ceremonyError(e);
  } finally {
    button.disabled = false;
  }
}

byId<HTMLFormElement>('code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void step(byId<HTMLButtonElement>('code-button'), 'Checking the code…', async () => {
    const recovering = await client.redeemRecoveryCode(byId<HTMLInputElement>('code').value.trim());
    byId<HTMLInputElement>('code').value = '';
    byId('who').textContent = recovering.username;
    byId('code-form').hidden = true;
    byId('register-step').hidden = false;
  });
});

byId('register-button').addEventListener('click', () => {
  void step(byId<HTMLButtonElement>('register-button'), 'Touch your authenticator…', async () => {
    await registerPasskey(client, { name: 'recovered' });
    byId('register-step').hidden = true;
    byId('done').hidden = false;
  });
});
