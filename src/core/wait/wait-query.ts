// Parameters of GET /wait (sync-core §12.1 under D16), validated. Pure.
import { compileCel, type CompiledExpression } from '../cel/index.js';
import { SyncError } from '../errors.js';
import { parseContextQuery, type ContextInput, type ContextQuery } from '../read/context-query.js';

export interface WaitQuery {
  condition: CompiledExpression;
  agent: string | null;
  timeoutMs: number;
  /** null → the full context; otherwise the listed parts. */
  include: string[] | null;
  context: ContextQuery;
}

const PARTS = /^(state|state\.[^,]+|agents|messages|actions|views)$/;

/** A wait as a transport decoded it. */
export interface WaitInput {
  condition?: string;
  agent?: string;
  timeoutMs?: number;
  /** Omitted: the whole context; otherwise the listed parts. */
  include?: readonly string[];
  context?: ContextInput;
}

export function parseWaitQuery(q: WaitInput, maxTimeoutMs: number): WaitQuery {
  if (q.condition === undefined || q.condition.trim() === '') {
    throw new SyncError('missing_param', 'The condition parameter is required (a CEL expression).', { param: 'condition' });
  }
  const condition = compileCel(q.condition, 'condition', { boolean: true });
  let timeoutMs = maxTimeoutMs;
  if (q.timeoutMs !== undefined) {
    if (!Number.isSafeInteger(q.timeoutMs) || q.timeoutMs < 0 || q.timeoutMs > maxTimeoutMs) {
      throw new SyncError('invalid_query', `The timeout must be a whole number of milliseconds from 0 to ${maxTimeoutMs}.`, { param: 'timeout', max: maxTimeoutMs });
    }
    timeoutMs = q.timeoutMs;
  }
  let include: string[] | null = null;
  if (q.include !== undefined) {
    include = [...q.include];
    if (include.length === 0 || include.some((p) => !PARTS.test(p))) {
      throw new SyncError('invalid_query', 'include is "context" or a list of state, state.<scope>, agents, messages, actions, views.', { param: 'include' });
    }
  }
  return { condition, agent: q.agent ?? null, timeoutMs, include, context: parseContextQuery(q.context ?? {}) };
}
