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

function list(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function bool(param: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw invalid(param, 'use true or false');
}

function nonNegativeInt(param: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw invalid(param, 'use a non-negative integer');
  return Number(raw);
}

export function parseContextQuery(q: Record<string, string | undefined>): ContextQuery {
  const request: JsonObject = {};
  const depth = q.depth ?? 'lean';
  if (depth !== 'lean' && depth !== 'full' && depth !== 'usage') throw invalid('depth', 'use lean, full or usage');
  if (q.depth !== undefined) request.depth = depth;
  let only: string[] | null = null;
  if (q.only !== undefined) {
    only = list(q.only);
    const bad = only.find((s) => !SECTIONS.has(s) && !/^state\.[^.,]+$/.test(s));
    if (bad || only.length === 0) throw invalid('only', `sections are ${[...SECTIONS].join(', ')} or state.<scope>`);
    request.only = only;
  }
  const actions = bool('actions', q.actions);
  const messages = bool('messages', q.messages);
  if (q.actions !== undefined) request.actions = actions;
  if (q.messages !== undefined) request.messages = messages;
  const messagesAfter = q.messages_after === undefined ? null : nonNegativeInt('messages_after', q.messages_after);
  if (messagesAfter !== null) request.messages_after = messagesAfter;
  const messagesBefore = q.messages_before === undefined ? null : nonNegativeInt('messages_before', q.messages_before);
  if (messagesBefore !== null) request.messages_before = messagesBefore;
  let messagesLimit = DEFAULT_MESSAGES_LIMIT;
  if (q.messages_limit !== undefined) {
    messagesLimit = nonNegativeInt('messages_limit', q.messages_limit);
    if (messagesLimit < 1 || messagesLimit > MAX_MESSAGES_LIMIT) throw invalid('messages_limit', `use 1 to ${MAX_MESSAGES_LIMIT}`);
    request.messages_limit = messagesLimit;
  }
  const messagesFull = q.messages_full === undefined ? false : bool('messages_full', q.messages_full);
  if (q.messages_full !== undefined) request.messages_full = messagesFull;
  // Whole bodies are read a few at a time, so one read stays bounded.
  if (messagesFull) messagesLimit = Math.min(messagesLimit, MAX_FULL_MESSAGES);
  const include = q.include === undefined ? [] : list(q.include);
  const badInclude = include.find((s) => !INCLUDABLE.has(s));
  if (badInclude) throw invalid('include', `includable scopes are ${[...INCLUDABLE].join(', ')}`);
  return { depth, only, actions, messages, messagesAfter, messagesBefore, messagesLimit, messagesFull, include, request };
}
