// Decoding query strings into the typed inputs the services take: the only place where text
// becomes booleans, numbers and lists. Syntax errors are 400 invalid_query naming the parameter.
import { SyncError } from '../../core/errors.js';
import type { ContextInput, PollInput, RoomPageInput, WaitInput } from '../../core/service/index.js';

type Query = Record<string, string | undefined>;

function invalid(param: string, detail: string): SyncError {
  return new SyncError('invalid_query', `The query parameter ${param} is not valid: ${detail}.`, { param, detail });
}

function bool(q: Query, param: string): boolean | undefined {
  const raw = q[param];
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  if (raw === 'false' || raw === '0') return false;
  throw invalid(param, 'use true or false');
}

function int(q: Query, param: string): number | undefined {
  const raw = q[param];
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalid(param, 'use a non-negative integer');
  return Number(raw);
}

function list(q: Query, param: string): string[] | undefined {
  const raw = q[param];
  return raw === undefined ? undefined : raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function contextInput(q: Query): ContextInput {
  return {
    depth: q.depth,
    only: list(q, 'only'),
    actions: bool(q, 'actions'),
    messages: bool(q, 'messages'),
    messagesAfter: int(q, 'messages_after'),
    messagesBefore: int(q, 'messages_before'),
    messagesLimit: int(q, 'messages_limit'),
    messagesFull: bool(q, 'messages_full'),
    include: list(q, 'include'),
  };
}

export function waitInput(q: Query): WaitInput {
  const { include, ...rest } = q;
  const parts = include === undefined || include === 'context' ? undefined : list(q, 'include');
  let timeoutMs: number | undefined;
  try {
    timeoutMs = int(q, 'timeout');
  } catch {
    throw new SyncError('invalid_query', 'The timeout must be a whole number of milliseconds.', { param: 'timeout' });
  }
  return { condition: q.condition, agent: q.agent, timeoutMs, include: parts, context: contextInput(rest) };
}

export function pollInput(q: Query): PollInput {
  return { limit: int(q, 'limit'), before: int(q, 'before'), stateLimit: int(q, 'state_limit'), stateAfter: q.state_after };
}

export function roomPageInput(q: Query): RoomPageInput {
  return { limit: int(q, 'limit'), after: q.after };
}
