// Room lifecycle (sync-core §3 under D19, D21, D23): create, list, read, delete, and the
// rotation and revocation of room and view tokens.
import { SyncError, quote } from '../errors.js';
import type { JsonObject } from '../json.js';
import { isPlainObject } from '../json.js';
import { isValidId } from '../../protocol/index.js';
import { MAX_ROOMS_PAGE, ROOMS_PAGE } from '../limits.js';
import type { RoomRecord } from '../room/model.js';
import { logRecord } from '../room/audit.js';
import { emptyBatch } from '../room/room-state.js';
import { requireAdmin, type Caller } from './caller.js';
import type { ServiceDeps } from './ports.js';
import type { CreatedRoom, DeletedRoom, RoomInfo, RotatedToken } from '../../protocol/wire/rooms.js';

export function roomInfo(room: RoomRecord): RoomInfo {
  return { id: room.id, created_at: new Date(room.createdAt).toISOString(), meta: room.meta };
}

type RoomCursor = { createdAt: number; id: string };

function newestFirst(a: RoomCursor, b: RoomCursor): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** A page of the room list: at most `limit` rooms after the `after` cursor. */
export interface RoomPageInput {
  limit?: number;
  after?: string;
}

function pageLimit(n: number | undefined): number {
  if (n === undefined) return ROOMS_PAGE;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ROOMS_PAGE) throw new SyncError('invalid_query', `The query parameter limit must be an integer from 1 to ${MAX_ROOMS_PAGE}.`, { param: 'limit' });
  return n;
}

function parseRoomCursor(raw: string): RoomCursor {
  const match = /^(\d{1,16})_(.+)$/.exec(raw);
  if (!match || !isValidId(match[2])) throw new SyncError('invalid_query', 'after is the next cursor of a previous page of rooms.', { param: 'after' });
  return { createdAt: Number(match[1]), id: match[2]! };
}

export class RoomAdmin {
  constructor(private readonly deps: ServiceDeps) {}

  async create(body: JsonObject, caller: Caller): Promise<CreatedRoom> {
    // The caller was authorised for create_room by core/identity/access.ts: a user's token with
    // create_rooms carries its user; otherwise only local mode lets anyone create rooms (D21).
    if (!this.deps.options.localMode && caller.userId === undefined) {
      if (caller.kind === 'anonymous') {
        throw new SyncError('authentication_required', 'Creating rooms on this server needs a token with create_rooms.', {
          hint: 'Local mode (a loopback-only server with no users) lets anyone create rooms.',
        });
      }
      throw new SyncError('scope_denied', 'This token cannot create rooms.');
    }
    const unknown = Object.keys(body).find((k) => !['id', 'meta', 'label'].includes(k));
    if (unknown) throw new SyncError('invalid_body', `A room takes id, meta and label; ${quote(unknown)} is not one of them.`, { field: unknown });
    const id = body.id ?? this.deps.ids.uuid();
    if (!isValidId(id)) {
      throw new SyncError('invalid_id', `The room id ${quote(id)} is not valid.`, {
        field: 'id',
        hint: 'Use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
      });
    }
    if (body.meta !== undefined && !isPlainObject(body.meta)) throw new SyncError('invalid_body', 'meta must be an object.', { field: 'meta' });
    if (body.label !== undefined && typeof body.label !== 'string') throw new SyncError('invalid_body', 'label must be a string.', { field: 'label' });
    const meta: JsonObject = { ...((body.meta as JsonObject | undefined) ?? {}) };
    if (typeof body.label === 'string') meta.label = body.label;
    const token = this.deps.credentials.mint('room_');
    const viewToken = this.deps.credentials.mint('view_');
    const record: RoomRecord = { id, createdAt: this.deps.clock.now(), meta, tokenHash: token.hash, viewTokenHash: viewToken.hash };
    if (!(await this.deps.store.createRoom(record))) {
      throw new SyncError('room_exists', `A room with the id ${id} already exists.`, { id });
    }
    return { ...roomInfo(record), token: token.token, view_token: viewToken.token };
  }

  async info(roomId: string): Promise<RoomInfo> {
    return roomInfo((await this.deps.registry.get(roomId)).room);
  }

  /**
   * A page of rooms, newest first (`limit`, `after` = the `next` of the previous page). The
   * cursor names the last room's creation time and id, so it stays valid if that room is deleted.
   */
  async list(ids: readonly string[] | null, query: RoomPageInput = {}): Promise<{ rooms: RoomInfo[]; next: string | null }> {
    const limit = pageLimit(query.limit);
    const after = query.after === undefined ? null : parseRoomCursor(query.after);
    const rooms = (await this.deps.store.listRooms(ids ?? undefined)).sort(newestFirst).filter((r) => !after || newestFirst(r, after) > 0);
    const page = rooms.slice(0, limit);
    const last = page[page.length - 1];
    return { rooms: page.map(roomInfo), next: rooms.length > limit && last ? `${last.createdAt}_${last.id}` : null };
  }

  async delete(roomId: string, caller: Caller): Promise<DeletedRoom> {
    requireAdmin(caller);
    await this.deps.registry.get(roomId);
    return this.deps.registry.exclusive(roomId, async (room) => {
      const createdAt = room.room.createdAt;
      await this.deps.store.deleteRoom(roomId);
      this.deps.registry.forget(roomId);
      this.deps.registry.publish('deleted', roomId, 0, { createdAt });
      return { deleted: true, room: roomId };
    });
  }

  /**
   * Change the room's meta (admin only, audited as `room_update`): the given keys are merged in,
   * a key set to null is removed (a JSON merge patch one level deep). This is how a room on a
   * server that is not in local mode gets `open_join` until accounts exist.
   */
  async update(roomId: string, body: JsonObject, caller: Caller): Promise<RoomInfo> {
    requireAdmin(caller);
    const unknown = Object.keys(body).find((k) => k !== 'meta');
    if (unknown !== undefined) throw new SyncError('invalid_body', `PATCH /rooms/:id takes only meta; ${quote(unknown)} is not supported.`, { field: unknown });
    if (!isPlainObject(body.meta)) throw new SyncError('invalid_body', 'meta must be an object (keys to set; null removes a key).', { field: 'meta' });
    const patch = body.meta as JsonObject;
    if (Object.hasOwn(patch, '__proto__')) throw new SyncError('invalid_body', 'meta cannot have a key named __proto__.', { field: 'meta' });
    if (patch.open_join !== undefined && patch.open_join !== null && typeof patch.open_join !== 'boolean') {
      throw new SyncError('invalid_body', 'meta.open_join must be true or false.', { field: 'meta.open_join' });
    }
    await this.deps.registry.get(roomId);
    return this.deps.registry.exclusive(roomId, async (room, tx) => {
      const meta: JsonObject = { ...room.room.meta };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete meta[key];
        else meta[key] = value;
      }
      const batch = emptyBatch();
      batch.meta = meta;
      batch.log.push(logRecord(room.logSeq + 1, this.deps.clock.now(), { kind: 'room_update', agent: caller.agentId, ok: true, detail: { meta: patch } }));
      await this.deps.registry.commit(room, tx, batch);
      return roomInfo(room.room);
    });
  }

  /** Replace the room token (`room_`) or the view token (`view_`), or revoke the view token. */
  async rotate(roomId: string, which: 'room' | 'view' | 'revoke_view', caller: Caller): Promise<RotatedToken> {
    requireAdmin(caller);
    await this.deps.registry.get(roomId);
    // A logged commit (audited as room_update, hashes never in the record), so every process
    // holding the room sees the new hashes through the change feed.
    return this.deps.registry.exclusive(roomId, async (room, tx) => {
      const tokens = { tokenHash: room.room.tokenHash, viewTokenHash: room.room.viewTokenHash };
      const body: RotatedToken = { ok: true, room: roomId };
      if (which === 'room') {
        const minted = this.deps.credentials.mint('room_');
        tokens.tokenHash = minted.hash;
        body.token = minted.token;
      } else if (which === 'view') {
        const minted = this.deps.credentials.mint('view_');
        tokens.viewTokenHash = minted.hash;
        body.view_token = minted.token;
      } else {
        tokens.viewTokenHash = null;
        body.view_token = null;
      }
      const batch = emptyBatch();
      batch.tokens = tokens;
      const token = which === 'revoke_view' ? 'view_revoked' : which;
      batch.log.push(logRecord(room.logSeq + 1, this.deps.clock.now(), { kind: 'room_update', agent: caller.agentId, ok: true, detail: { token } }));
      await this.deps.registry.commit(room, tx, batch);
      return body;
    });
  }
}
