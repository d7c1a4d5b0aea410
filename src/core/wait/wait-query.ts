// Parameters of GET /wait (sync-core §12.1 under D16), validated. Pure.
import { compileCel, type CompiledExpression } from '../cel/index.js';
import { SyncError } from '../errors.js';
import { parseContextQuery, type ContextQuery } from '../read/context-query.js';

export interface WaitQuery {
  condition: CompiledExpression;
  agent: string | null;
  timeoutMs: number;
  /** null → the full context; otherwise the listed parts. */
  include: string[] | null;
  context: ContextQuery;
}

const PARTS = /^(state|state\.[^,]+|agents|messages|actions|views)$/;

export function parseWaitQuery(q: Record<string, string | undefined>, maxTimeoutMs: number): WaitQuery {
  if (q.condition === undefined || q.condition.trim() === '') {
    throw new SyncError('missing_param', 'The condition parameter is required (a CEL expression).', { param: 'condition' });
  }
  const condition = compileCel(q.condition, 'condition', { boolean: true });
  let timeoutMs = maxTimeoutMs;
  if (q.timeout !== undefined) {
    if (!/^\d{1,9}$/.test(q.timeout) || Number(q.timeout) > maxTimeoutMs) {
      throw new SyncError('invalid_query', `The timeout must be a whole number of milliseconds from 0 to ${maxTimeoutMs}.`, { param: 'timeout', max: maxTimeoutMs });
    }
    timeoutMs = Number(q.timeout);
  }
  let include: string[] | null = null;
  if (q.include !== undefined && q.include !== 'context') {
    include = q.include.split(',').map((s) => s.trim()).filter(Boolean);
    if (include.length === 0 || include.some((p) => !PARTS.test(p))) {
      throw new SyncError('invalid_query', 'include is "context" or a list of state, state.<scope>, agents, messages, actions, views.', { param: 'include' });
    }
  }
  const { condition: _c, agent, timeout: _t, include: _i, ...rest } = q;
  return { condition, agent: agent ?? null, timeoutMs, include, context: parseContextQuery(rest) };
}
