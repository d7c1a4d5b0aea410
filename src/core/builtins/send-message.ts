// The `_send_message` built-in (sync-core §9.1 under D9: no per-invocation chat). Pure.
import { SyncError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isValidId } from '../../protocol/index.js';
import { rejectUnknown, type InvocationOutcome, type InvokeEnv } from '../actions/invocation.js';
import type { Message } from '../room/model.js';
import { emptyBatch } from '../room/room-state.js';
import { MESSAGE_BODY_IN_CONTEXT } from '../limits.js';

const KIND = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function sendMessage(env: InvokeEnv, params: JsonObject): InvocationOutcome {
  rejectUnknown(params, ['body', 'kind', 'to'], 'message');
  const body = params.body;
  if (body === undefined || body === null || body === '') {
    throw new SyncError('missing_param', 'The parameter body is required.', { param: 'body' });
  }
  const kind = params.kind ?? 'chat';
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    throw new SyncError('invalid_param', 'The message kind must be a short word such as "chat" or "task".', { param: 'kind', value: kind });
  }
  const to = recipients(params.to);
  const message: Message = { seq: env.room.messageSeq + 1, ts: env.now, from: env.actor.agentId, kind, body, to };
  const batch = emptyBatch();
  batch.messages.push(message);
  const out: Record<string, unknown> = { invoked: true, action: '_send_message', agent: env.actor.agentId, seq: message.seq, from: message.from, kind };
  if (to) out.to = to;
  return { body: out, batch, writes: [{ scope: '_messages', key: String(message.seq), value: messageJson(message) }] };
}

function recipients(raw: Json | undefined): string[] | null {
  if (raw === undefined || raw === null) return null;
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100 || !list.every((r) => isValidId(r))) {
    throw new SyncError('invalid_param', 'The parameter to must be an agent id or a list of agent ids.', { param: 'to', value: raw });
  }
  return [...new Set(list as string[])];
}

/** A message as readers see it in context (`recent`). */
export function messageJson(m: Message): JsonObject {
  const out: JsonObject = { seq: m.seq, ts: new Date(m.ts).toISOString(), from: m.from, kind: m.kind, body: m.body };
  if (m.to) out.to = m.to;
  return out;
}

/**
 * A message as a default context read shows it: a body longer than MESSAGE_BODY_IN_CONTEXT
 * (as text, or as JSON text when it is not a string) becomes its first characters, with
 * `truncated: true`, the full `length` and the query that reads it whole.
 */
export function messageInContext(m: Message, full: boolean): JsonObject {
  const out = messageJson(m);
  if (full) return out;
  const text = typeof m.body === 'string' ? m.body : JSON.stringify(m.body);
  if (text.length <= MESSAGE_BODY_IN_CONTEXT) return out;
  let cut = MESSAGE_BODY_IN_CONTEXT;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut--;
  out.body = text.slice(0, cut);
  out.truncated = true;
  out.length = text.length;
  out._full = `?only=messages&messages_after=${m.seq - 1}&messages_before=${m.seq + 1}&messages_full=true`;
  return out;
}
