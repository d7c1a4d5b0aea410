// Room lifecycle: create, list, read, delete, token rotation. Pure data.
import { z } from 'zod';
import { Id, JsonObject, Timestamp } from './common.js';

export const CreateRoomBody = z.strictObject({
  id: Id.optional().describe('room id; a UUID is chosen when absent'),
  meta: JsonObject.optional().describe('free-form room metadata, e.g. {"open_join": true}'),
  label: z.string().optional().describe('a human label, stored as meta.label'),
}).meta({ id: 'CreateRoomBody' });
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

export const RoomInfo = z.strictObject({
  id: Id,
  created_at: Timestamp,
  meta: JsonObject,
}).meta({ id: 'RoomInfo' });
export type RoomInfo = z.infer<typeof RoomInfo>;

export const CreatedRoom = RoomInfo.extend({
  token: z.string().startsWith('room_').describe('room admin token: keep it secret'),
  view_token: z.string().startsWith('view_').describe('read-only token for dashboards'),
}).meta({ id: 'CreatedRoom' });
export type CreatedRoom = z.infer<typeof CreatedRoom>;

export const RoomListQuery = z.strictObject({
  limit: z.string().regex(/^\d{1,6}$/).optional().describe('rooms per page'),
  after: z.string().optional().describe('the x-next-after header of the previous page'),
}).meta({ id: 'RoomListQuery' });

/** A page of rooms, newest first; the next page is in the `Link` and `x-next-after` headers. */
export const RoomList = z.array(RoomInfo).meta({ id: 'RoomList' });
export type RoomList = z.infer<typeof RoomList>;

/** Keys to set in the room's meta; a key set to null is removed. */
export const PatchRoomBody = z.strictObject({
  meta: JsonObject.describe('keys to merge into meta; null removes a key (e.g. {"open_join": true})'),
}).meta({ id: 'PatchRoomBody' });
export type PatchRoomBody = z.infer<typeof PatchRoomBody>;

export const DeletedRoom = z.strictObject({ deleted: z.literal(true), room: Id }).meta({ id: 'DeletedRoom' });
export type DeletedRoom = z.infer<typeof DeletedRoom>;

export const RotatedToken = z.strictObject({
  ok: z.literal(true),
  room: Id,
  token: z.string().startsWith('room_').optional(),
  view_token: z.string().startsWith('view_').nullable().optional(),
}).meta({ id: 'RotatedToken' });
export type RotatedToken = z.infer<typeof RotatedToken>;
