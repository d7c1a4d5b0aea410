// The parts of a wait response chosen with `include` (sync-core §12.3). Pure.
import { jsonOutcome, runCel, type CompiledExpression } from '../cel/index.js';
import type { JsonObject } from '../json.js';
import { agentPublic } from './derived.js';
import { readableState } from './readable-state.js';
import type { ReadSession } from './read-session.js';

export function waitParts(session: ReadSession, condition: CompiledExpression, include: string[]): Record<string, unknown> {
  const outcome = jsonOutcome(runCel(condition, session.context()));
  const out: Record<string, unknown> = { value: outcome.ok ? outcome.value : { _error: outcome.error.detail } };
  for (const part of include) {
    if (part === 'state') out.state = readableState(session);
    else if (part.startsWith('state.')) out.state = readableState(session)[part.slice('state.'.length)] ?? {};
    else if (part === 'agents') out.agents = agents(session);
    else if (part === 'messages') out.messages = session.messageCounts();
    else if (part === 'actions') out.actions = Object.fromEntries(session.visibleActions().map((a) => [a.id, { enabled: true, available: session.actionAvailable(a) }]));
    else if (part === 'views') out.views = Object.fromEntries(session.visibleViews().map((v) => [v.id, session.viewJson(v)]));
  }
  return out;
}

function agents(session: ReadSession): JsonObject {
  const out: JsonObject = {};
  for (const agent of session.room.agents.values()) if (session.room.celAgents.has(agent.id)) out[agent.id] = agentPublic(agent);
  return out;
}
