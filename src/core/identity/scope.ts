// The token scope grammar of seed 000, parsed strictly (D18, sync-auth §3.1 with §11 item 6
// fixed). Pure. A scope is a space-separated list of items:
//
//   rooms:*              every room the user has a role in, at full level
//   rooms:*:read         … read only            rooms:*:write   … read and write
//   rooms:<id>           that room, full        rooms:<id>:write / rooms:<id>:read
//   rooms:<id>:agent:<a> that room, write, and only ever as agent <a> (D20)
//   create_rooms         may create rooms (and becomes their owner)
//   tokens:manage        may list, mint, narrow and revoke the user's tokens (§11 item 7)
//
// Anything else is an error, as is naming one room twice, two wildcards, or an empty scope.
// A scope with no room item and no wildcard reaches no room (the reference's "unrestricted"
// reading of such a scope is §11 item 6's hole). Room and agent ids follow the id grammar,
// which has no colon, so every item reads one way only.
import { SyncError, quote } from '../errors.js';
import { isValidId } from '../../protocol/index.js';

/** Access levels, least to most: read < write < full (full = the room's admin). */
export type Level = 'read' | 'write' | 'full';

export const LEVELS: readonly Level[] = ['read', 'write', 'full'];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The less privileged of two levels. */
export function minLevel(a: Level, b: Level): Level {
  return levelRank(a) <= levelRank(b) ? a : b;
}

export function atLeast(level: Level, required: Level): boolean {
  return levelRank(level) >= levelRank(required);
}

export interface RoomGrant {
  level: Level;
  /** The only agent this grant may act as (`rooms:<id>:agent:<a>`, level write), else null. */
  agent: string | null;
}

export interface Scope {
  /** `rooms:*` at a level: every room the user has a role in; null when absent. */
  wildcard: Level | null;
  /** Named rooms (a Map, so hostile ids such as `__proto__` are plain keys). */
  rooms: ReadonlyMap<string, RoomGrant>;
  createRooms: boolean;
  manageTokens: boolean;
}

/** Longest scope string and most items a scope may have. */
export const MAX_SCOPE_LENGTH = 8192;
export const MAX_SCOPE_ITEMS = 256;

export const EMPTY_SCOPE: Scope = Object.freeze({ wildcard: null, rooms: new Map(), createRooms: false, manageTokens: false });

function invalid(message: string, item?: string): SyncError {
  return new SyncError('invalid_scope', message, {
    ...(item === undefined ? {} : { item }),
    hint: 'Scope items: rooms:*, rooms:*:read, rooms:*:write, rooms:<id>, rooms:<id>:write, rooms:<id>:read, rooms:<id>:agent:<agent>, create_rooms, tokens:manage.',
  });
}

/** Parse a scope string; throws `invalid_scope` (400) on anything outside the grammar. */
export function parseScope(text: unknown): Scope {
  if (typeof text !== 'string') throw invalid('A scope is a string of space-separated items.');
  if (text.length > MAX_SCOPE_LENGTH) throw invalid(`A scope has at most ${MAX_SCOPE_LENGTH} characters.`);
  const items = text.split(/[ \t\n]+/).filter((s) => s !== '');
  if (items.length === 0) throw invalid('A scope needs at least one item.');
  if (items.length > MAX_SCOPE_ITEMS) throw invalid(`A scope has at most ${MAX_SCOPE_ITEMS} items.`);
  let wildcard: Level | null = null;
  const rooms = new Map<string, RoomGrant>();
  let createRooms = false;
  let manageTokens = false;
  const once = (seen: boolean, item: string) => {
    if (seen) throw invalid(`The scope names ${quote(item)} twice.`, item);
  };
  for (const item of items) {
    if (item === 'create_rooms') {
      once(createRooms, item);
      createRooms = true;
      continue;
    }
    if (item === 'tokens:manage') {
      once(manageTokens, item);
      manageTokens = true;
      continue;
    }
    const parts = item.split(':');
    if (parts[0] !== 'rooms' || parts.length < 2) throw invalid(`The scope item ${quote(item)} is not one this server knows.`, item);
    const target = parts[1]!;
    if (target === '*') {
      if (wildcard !== null) throw invalid('The scope has more than one rooms:* item.', item);
      if (parts.length === 2) wildcard = 'full';
      else if (parts.length === 3 && (parts[2] === 'read' || parts[2] === 'write')) wildcard = parts[2];
      else throw invalid(`The scope item ${quote(item)} is not one this server knows (rooms:*, rooms:*:read or rooms:*:write).`, item);
      continue;
    }
    if (!isValidId(target)) throw invalid(`The room id in ${quote(item)} is not valid.`, item);
    if (rooms.has(target)) throw invalid(`The scope names the room ${quote(target)} more than once.`, item);
    let grant: RoomGrant;
    if (parts.length === 2) grant = { level: 'full', agent: null };
    else if (parts.length === 3 && (parts[2] === 'read' || parts[2] === 'write')) grant = { level: parts[2], agent: null };
    else if (parts.length === 4 && parts[2] === 'agent' && isValidId(parts[3]) && parts[3] !== 'self') grant = { level: 'write', agent: parts[3] };
    else throw invalid(`The scope item ${quote(item)} is not one this server knows.`, item);
    rooms.set(target, grant);
  }
  return { wildcard, rooms, createRooms, manageTokens };
}

/** The canonical text of a scope: wildcard, rooms in order, create_rooms, tokens:manage. */
export function formatScope(scope: Scope): string {
  const items: string[] = [];
  if (scope.wildcard) items.push(scope.wildcard === 'full' ? 'rooms:*' : `rooms:*:${scope.wildcard}`);
  for (const [room, grant] of scope.rooms) {
    if (grant.agent !== null) items.push(`rooms:${room}:agent:${grant.agent}`);
    else items.push(grant.level === 'full' ? `rooms:${room}` : `rooms:${room}:${grant.level}`);
  }
  if (scope.createRooms) items.push('create_rooms');
  if (scope.manageTokens) items.push('tokens:manage');
  return items.join(' ');
}

/** What a scope grants in one room: a named room wins over the wildcard; null = not in scope. */
export function grantFor(scope: Scope, roomId: string): RoomGrant | null {
  const named = scope.rooms.get(roomId);
  if (named) return named;
  return scope.wildcard ? { level: scope.wildcard, agent: null } : null;
}

/** The scope with one room set to full access (room creation adds the new room, D20/§3.6). */
export function withRoom(scope: Scope, roomId: string): Scope {
  const rooms = new Map(scope.rooms);
  rooms.set(roomId, { level: 'full', agent: null });
  return { ...scope, rooms };
}

/**
 * Why `requested` is not within `holder` (null when it is): a token never grants more than it
 * has (D18). Each named room and the wildcard must be reachable at that level by the holder
 * (a wildcard only by a wildcard), an agent binding must be kept or be one the holder may act
 * as, and create_rooms / tokens:manage need the same item.
 */
export function exceeds(requested: Scope, holder: Scope): string | null {
  if (requested.createRooms && !holder.createRooms) return 'create_rooms is not in the token\'s own scope';
  if (requested.manageTokens && !holder.manageTokens) return 'tokens:manage is not in the token\'s own scope';
  if (requested.wildcard !== null) {
    if (holder.wildcard === null || !atLeast(holder.wildcard, requested.wildcard)) return `rooms:* at ${requested.wildcard} is more than the token has`;
    // A holder with agent-bound or narrowed rooms cannot lift them through a wildcard.
    for (const [room, held] of holder.rooms) {
      const asked = requested.rooms.get(room);
      if (!asked && (held.agent !== null || !atLeast(held.level, requested.wildcard))) return `rooms:* would widen the token's access to ${room}`;
    }
  }
  for (const [room, asked] of requested.rooms) {
    const held = grantFor(holder, room);
    if (!held || !atLeast(held.level, asked.level)) return `the room ${room} at ${asked.level} is more than the token has`;
    if (held.agent !== null && asked.agent !== held.agent) return `the token acts only as ${held.agent} in ${room}`;
  }
  return null;
}
