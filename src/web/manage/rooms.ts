// Rooms: every room the signed-in user has a role in, with the role, newest first, each linking to
// its dashboard. The list is also what the token form offers to pick from.
import type { AgentSyncClient, MyRoom } from '../../client/index.js';
import { el } from '../shared/dom.js';
import { errorLine, showError, when } from './format.js';

export interface RoomsState {
  rooms: MyRoom[];
  next: string | null;
}

/** The first page of the user's rooms (100, newest first). */
export async function loadRooms(client: AgentSyncClient): Promise<RoomsState> {
  const page = await client.myRooms();
  return { rooms: page.rooms, next: page.next };
}

const label = (room: MyRoom): string | null => (typeof room.meta.label === 'string' && room.meta.label !== '' ? room.meta.label : null);

function roomRow(room: MyRoom): HTMLElement {
  const name = label(room);
  return el(
    'tr',
    { 'data-room': room.id },
    el('td', {}, el('span', { class: 'mono' }, room.id), name ? el('div', { class: 'dim small' }, name) : null),
    el('td', {}, el('span', { class: `badge role-${room.role}` }, room.role)),
    el('td', { class: 'dim' }, when(room.created_at)),
    el('td', { class: 'right' }, el('a', { href: `/rooms/${encodeURIComponent(room.id)}/dashboard` }, 'dashboard →')),
  );
}

/** The rooms section's content; "Show more" fetches the next page into the same state. */
export function roomsPanel(client: AgentSyncClient, state: RoomsState, onMore: () => void): HTMLElement {
  if (state.rooms.length === 0) {
    return el('p', { class: 'dim', id: 'no-rooms' }, 'You have no role in any room yet. Rooms you create with a token, and rooms an owner invites you to, appear here.');
  }
  const error = errorLine();
  const more = state.next === null ? null : el('button', { type: 'button', class: 'secondary', id: 'more-rooms' }, 'Show more');
  more?.addEventListener('click', () => {
    client.myRooms({ after: state.next! }).then((page) => {
      state.rooms.push(...page.rooms);
      state.next = page.next;
      onMore();
    }, (e: unknown) => showError(error, e));
  });
  return el(
    'div',
    {},
    el('table', { class: 'list', id: 'rooms-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Room'), el('th', {}, 'Your role'), el('th', {}, 'Created'), el('th', {}))),
      el('tbody', {}, ...state.rooms.map(roomRow)),
    ),
    more,
    error,
  );
}
