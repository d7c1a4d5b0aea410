// Shapes every route shares: JSON values, ids, timestamps and the D2 error body. Pure data.
import { z } from 'zod';
import { ID_PATTERN } from '../ids.js';

/** Any JSON value. */
export const JsonValue = z.json().meta({ id: 'JsonValue' });
export const JsonObject = z.record(z.string(), JsonValue).meta({ id: 'JsonObject' });

/** Room and agent ids (D23). */
export const Id = z.string().regex(ID_PATTERN).describe('1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit').meta({ id: 'Id' });

/** ISO-8601 timestamps as the server writes them. */
export const Timestamp = z.string().describe('ISO-8601 timestamp').meta({ id: 'Timestamp' });

/** Every error (D2): a snake_case code, one sentence, and details beside them. */
export const ErrorBody = z.looseObject({
  error: z.string().regex(/^[a-z][a-z0-9_]*$/).describe('snake_case error code'),
  message: z.string().describe('one human sentence'),
}).meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Query strings arrive as text: booleans are written true/false (or 1/0). */
export const QueryBool = z.enum(['true', 'false', '1', '0']);
/** A non-negative integer written in a query string. */
export const QueryInt = z.string().regex(/^\d{1,15}$/);
