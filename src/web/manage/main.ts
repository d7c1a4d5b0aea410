// The management page (GET /manage): the signed-in user's rooms with their roles, their tokens
// (mint, narrow, revoke) and their profile. A signed-out visitor is sent to /signin and comes back.
// Everything shown comes from the API through the SDK and is written as text, never as HTML.
// The passkeys and recovery sections are filled by the account panels (src/web/shared).
import type { AgentSyncClient } from '../../client/index.js';
import { passkeysPanel, recoveryPanel } from '../shared/account-panels.js';
import { byId } from '../shared/dom.js';
import { pageClient, requireSession } from '../shared/session.js';
import { errorLine, showError } from './format.js';
import { mintForm } from './mint.js';
import { profilePanel } from './profile.js';
import { loadRooms, roomsPanel, type RoomsState } from './rooms.js';
import { tokensPanel } from './tokens.js';
import '../shared/base.css';
import './style.css';

/** Fill a section's body with what `build` makes, or with the error it ran into. */
async function fill(id: string, build: () => HTMLElement | Promise<HTMLElement>): Promise<void> {
  const body = byId(`${id}-body`);
  try {
    body.replaceChildren(await build());
  } catch (error) {
    const line = errorLine();
    body.replaceChildren(line);
    showError(line, error);
  }
  body.setAttribute('aria-busy', 'false');
}

async function start(client: AgentSyncClient): Promise<void> {
  const session = await requireSession(client);
  byId('who').textContent = session.user.username;
  document.title = `Manage · ${session.user.username} · agent-sync`;
  await fill('profile', () => profilePanel(client, session));
  // The account panels (shared with /signin) fill the two anchors the jump links name.
  byId('passkeys').replaceChildren(await passkeysPanel(client));
  byId('recovery').replaceChildren(await recoveryPanel(client));
  let rooms: RoomsState = { rooms: [], next: null };
  const showTokens = () => fill('tokens', () => tokensPanel(client, () => void showTokens()));
  const showMint = () => fill('mint', () => mintForm(client, rooms, () => void showTokens()));
  // Another page of rooms also joins the token form's choices.
  const showRooms = () => fill('rooms', () => roomsPanel(client, rooms, () => void showRooms().then(showMint)));
  await fill('rooms', async () => {
    rooms = await loadRooms(client);
    return roomsPanel(client, rooms, () => void showRooms().then(showMint));
  });
  await Promise.all([showTokens(), showMint()]);
  document.body.dataset.ready = 'true';
}

void start(pageClient());
