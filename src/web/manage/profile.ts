// Profile: who is signed in, since when, and signing out (the server ends the session and clears
// its cookie; the page then goes to the sign-in page).
import { isAgentSyncError, type AgentSyncClient, type SessionInfo } from '../../client/index.js';
import { el } from '../shared/dom.js';
import { errorLine, when } from './format.js';

export function profilePanel(client: AgentSyncClient, session: SessionInfo): HTMLElement {
  const error = errorLine();
  const signOut = el('button', { type: 'button', id: 'sign-out', class: 'secondary' }, 'Sign out');
  signOut.addEventListener('click', () => {
    (signOut as HTMLButtonElement).disabled = true;
    client.signOut().then(
      () => location.assign('/signin'),
      (e: unknown) => {
        // Already signed out (401) is what was asked for.
        if (isAgentSyncError(e) && e.status === 401) return location.assign('/signin');
        (signOut as HTMLButtonElement).disabled = false;
        error.textContent = isAgentSyncError(e) ? `${e.code}: ${e.message}` : String(e);
      },
    );
  });
  const row = (term: string, value: string, id: string) => [el('dt', {}, term), el('dd', { id }, value)];
  return el(
    'div',
    {},
    el('dl', { class: 'facts' },
      ...row('Username', session.user.username, 'profile-username'),
      ...row('User id', session.user.id, 'profile-id'),
      ...row('Member since', when(session.user.created_at), 'profile-since'),
      ...row('This session ends', when(session.expires_at), 'profile-expires'),
    ),
    signOut,
    error,
  );
}
