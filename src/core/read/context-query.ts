// Parse and validate the context-shaping query parameters (sync-core §11.2). Pure.
import { SyncError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { MAX_FULL_MESSAGES } from '../limits.js';

export type Depth = 'lean' | 'full' | 'usage';

export interface ContextQuery {
  depth: Depth;
  only: string[] | null;
  actions: boolean;
  messages: boolean;
  messagesAfter: number | null;
  /** Only messages with seq < messagesBefore (with messages_after, one message can be read whole). */
  messagesBefore: number | null;
  messagesLimit: number;
  /** Whole message bodies (at most MAX_FULL_MESSAGES messages) instead of cut ones. */
  messagesFull: boolean;
  include: string[];
  /** The parameters as supplied, echoed in `_context.request`. */
  request: JsonObject;
}

export const DEFAULT_MESSAGES_LIMIT = 100;
export const MAX_MESSAGES_LIMIT = 500;
const SECTIONS = new Set(['state', 'views', 'agents', 'actions', 'messages', 'self']);
const INCLUDABLE = new Set(['_audit', '_messages', '_actions', '_views', '_agents', '_versions']);

function invalid(param: string, detail: string): SyncError {
  return new SyncError('invalid_query', `The query parameter ${param} is not valid: ${detail}.`, { param, detail });
}

/** Context shaping as a transport decoded it (typed values, wire names in errors). */
export interface ContextInput {
  depth?: string;
  only?: readonly string[];
  actions?: boolean;
  messages?: boolean;
  messagesAfter?: number;
  messagesBefore?: number;
  messagesLimit?: number;
  messagesFull?: boolean;
  include?: readonly string[];
}

function count(param: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(param, 'use a non-negative integer');
  return value;
}

export function parseContextQuery(q: ContextInput): ContextQuery {
  const request: JsonObject = {};
  const depth = q.depth ?? 'lean';
  if (depth !== 'lean' && depth !== 'full' && depth !== 'usage') throw invalid('depth', 'use lean, full or usage');
  if (q.depth !== undefined) request.depth = depth;
  let only: string[] | null = null;
  if (q.only !== undefined) {
    only = [...q.only];
    const bad = only.find((s) => !SECTIONS.has(s) && !/^state\.[^.,]+$/.test(s));
    if (bad || only.length === 0) throw invalid('only', `sections are ${[...SECTIONS].join(', ')} or state.<scope>`);
    request.only = only;
  }
  const actions = q.actions ?? true;
  const messages = q.messages ?? true;
  if (q.actions !== undefined) request.actions = actions;
  if (q.messages !== undefined) request.messages = messages;
  const messagesAfter = q.messagesAfter === undefined ? null : count('messages_after', q.messagesAfter);
  if (messagesAfter !== null) request.messages_after = messagesAfter;
  const messagesBefore = q.messagesBefore === undefined ? null : count('messages_before', q.messagesBefore);
  if (messagesBefore !== null) request.messages_before = messagesBefore;
  let messagesLimit = DEFAULT_MESSAGES_LIMIT;
  if (q.messagesLimit !== undefined) {
    messagesLimit = count('messages_limit', q.messagesLimit);
    if (messagesLimit < 1 || messagesLimit > MAX_MESSAGES_LIMIT) throw invalid('messages_limit', `use 1 to ${MAX_MESSAGES_LIMIT}`);
    request.messages_limit = messagesLimit;
  }
  const messagesFull = q.messagesFull ?? false;
  if (q.messagesFull !== undefined) request.messages_full = messagesFull;
  // Whole bodies are read a few at a time, so one read stays bounded.
  if (messagesFull) messagesLimit = Math.min(messagesLimit, MAX_FULL_MESSAGES);
  const include = [...(q.include ?? [])];
  const badInclude = include.find((s) => !INCLUDABLE.has(s));
  if (badInclude) throw invalid('include', `includable scopes are ${[...INCLUDABLE].join(', ')}`);
  return { depth, only, actions, messages, messagesAfter, messagesBefore, messagesLimit, messagesFull, include, request };
}
