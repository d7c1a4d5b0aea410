// The elevation page (GET /auth/elevate?token_id=&room=[&level=], the link a 403 scope_denied
// carries, sync-auth §5). The signed-in owner of the token sees it (label, current scope), the
// room and their role there, and may raise the token's level in that room — at most to their role,
// never for another user's token, never for a revoked one (the server decides each).
import type { ElevationInfo } from '../../protocol/wire/identity.js';
import { button, fill, finish, levelSelect, levelsUpTo, problem, showUser, LEVEL_TEXT, LEVELS, type Level } from '../shared/approval.js';
import { el } from '../shared/dom.js';
import { pageClient, requireSession } from '../shared/session.js';
import '../shared/consent.css';

const client = pageClient();

function offer(info: ElevationInfo, asked: string | null): void {
  const rank = (l: Level | null) => (l === null ? -1 : LEVELS.indexOf(l));
  const higher = levelsUpTo(info.max_level).filter((l) => rank(l) > rank(info.current_level));
  const summary = el('div', { class: 'box' },
    el('span', {}, 'Token: ', el('strong', { id: 'token-label' }, info.token.label ?? 'unlabelled'), ' ', el('span', { class: 'dim mono' }, info.token.id.slice(0, 12))),
    el('span', { class: 'dim' }, 'Current scope: ', el('span', { class: 'mono', id: 'token-scope' }, info.token.scope)),
    el('span', {}, 'Room: ', el('strong', { id: 'room' }, info.room), ' · your role: ', el('span', { class: 'badge', id: 'role' }, info.role)),
    el('span', { class: 'dim' }, 'The token has ', el('span', { id: 'current' }, info.current_level ? LEVEL_TEXT[info.current_level]! : 'no access'), ' there now.'),
  );
  if (higher.length === 0) {
    fill(el('h2', {}, 'Nothing to grant'), summary, el('p', { id: 'status' }, `The token already has everything your role (${info.role}) allows in ${info.room}.`));
    return;
  }
  const preferred = higher.find((l) => l === asked) ?? higher[higher.length - 1]!;
  const select = levelSelect(higher, preferred, { id: 'level', 'aria-label': 'level to grant' });
  const status = el('p', { class: 'error', role: 'alert', id: 'status' });
  const approve = button('Grant', { id: 'approve' }, async () => {
    approve.disabled = true;
    try {
      const done = await client.approveElevation(info.token.id, info.room, select.value as Level);
      finish('Access granted', `The token now has ${LEVEL_TEXT[done.level]} in ${done.room}. Return to your agent or terminal: it can retry now.`, 'ok');
    } catch (error) {
      approve.disabled = false;
      status.textContent = problem(error);
    }
  });
  const cancel = button('Cancel', { id: 'cancel', class: 'secondary' }, () => finish('Nothing changed', 'The token keeps its scope; the request stays refused.', 'dim'));
  fill(
    el('h2', {}, 'Grant access to a room'),
    el('p', {}, 'A client using one of your tokens was refused in ', el('strong', {}, info.room), '. You can give that token access, up to your own role there.'),
    summary,
    el('label', { class: 'grant' }, el('span', {}, 'Grant'), select, el('span', {})),
    el('div', { class: 'actions' }, cancel, approve),
    status,
  );
}

async function main(): Promise<void> {
  showUser(await requireSession(client));
  const params = new URLSearchParams(location.search);
  const tokenId = params.get('token_id');
  const room = params.get('room');
  if (!tokenId || !room) {
    finish('Incomplete link', 'This page needs the link from the refusal, with token_id and room.', 'error');
    return;
  }
  try {
    offer(await client.lookupElevation(tokenId, room), params.get('level'));
  } catch (error) {
    finish('Cannot grant this', problem(error), 'error');
  }
}

main().catch((error: unknown) => finish('Something went wrong', problem(error), 'error'));
