// What a signed-in user sees of their own account on the management page: the rooms they have a
// role in. Pure data.
import { z } from 'zod';
import { Id, JsonObject, Timestamp } from './common.js';

export const RoomRoleName = z.enum(['owner', 'collaborator', 'participant', 'observer']).meta({ id: 'RoomRoleName' });

export const MyRoomsQuery = z.strictObject({
  limit: z.string().regex(/^\d{1,6}$/).optional().describe('rooms per page (default 100, at most 1000)'),
  after: z.string().optional().describe('the next cursor of the previous page'),
}).meta({ id: 'MyRoomsQuery' });

export const MyRoom = z.strictObject({
  id: Id,
  role: RoomRoleName.describe("the user's role in the room"),
  member_since: Timestamp.describe('when the user got this role'),
  created_at: Timestamp,
  meta: JsonObject,
}).meta({ id: 'MyRoom' });
export type MyRoom = z.infer<typeof MyRoom>;

export const MyRooms = z.strictObject({
  rooms: z.array(MyRoom).describe('newest room first'),
  next: z.string().nullable().describe('cursor of the next page (pass as after), null on the last'),
}).meta({ id: 'MyRooms' });
export type MyRooms = z.infer<typeof MyRooms>;
