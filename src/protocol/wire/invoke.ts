// Invoking an action (built-in or custom). Pure data.
import { z } from 'zod';
import { Id, JsonObject, JsonValue } from './common.js';

export const InvokeBody = z.strictObject({
  params: JsonObject.optional().describe('the action parameters'),
  agent: z.string().nullable().optional().describe('admins only: act as this agent'),
}).meta({ id: 'InvokeBody' });
export type InvokeBody = z.infer<typeof InvokeBody>;

export const WriteRecord = z.looseObject({
  scope: z.string(),
  key: z.string(),
  value: JsonValue.optional(),
}).meta({ id: 'WriteRecord' });

/** A custom action's answer (seed 000): `{invoked: true, writes: [...]}`; `help` answers likewise. */
export const Invoked = z.looseObject({
  invoked: z.literal(true),
  action: z.string(),
  agent: Id.nullable().optional(),
  params: JsonObject.optional(),
  writes: z.array(WriteRecord).optional(),
  result: JsonValue.optional(),
}).meta({ id: 'Invoked' });

/** `_delete_action` and `_delete_view`. */
export const DeletedRecord = z.looseObject({ deleted: z.literal(true), id: z.string() }).meta({ id: 'DeletedRecord' });

/** `_send_message`. */
export const MessageSent = z.looseObject({
  action: z.literal('_send_message'),
  seq: z.number().int(),
  from: Id.nullable(),
  kind: z.string(),
  to: z.array(Id).optional(),
}).meta({ id: 'MessageSent' });

/** `_register_action`: the definition as stored, with contest warnings when writes compete. */
export const RegisteredAction = z.looseObject({
  id: z.string(),
  scope: z.string(),
  room_id: Id,
  registered_by: Id.nullable(),
  writes: z.array(JsonObject),
  warning: z.union([z.string(), z.array(z.string())]).optional(),
}).meta({ id: 'RegisteredAction' });

/** `_register_view`: the view as stored and the paths it reads. */
export const RegisteredView = z.looseObject({
  id: z.string(),
  scope: z.string(),
  expr: z.string(),
  room_id: Id,
  deps: z.array(z.string()),
}).meta({ id: 'RegisteredView' });

export const InvokeResult = z.union([Invoked, DeletedRecord, MessageSent]).meta({ id: 'InvokeResult' });
export type InvokeResult = z.infer<typeof InvokeResult>;

export const RegistrationResult = z.union([RegisteredAction, RegisteredView]).meta({ id: 'RegistrationResult' });
export type RegistrationResult = z.infer<typeof RegistrationResult>;
