// Assemble the GET /context response (sync-core §11 under D7, D9). Pure: the service supplies
// the messages and audit records it fetched, this file only arranges what the reader may see.
import { ownValue, setOwn, type Json, type JsonObject } from '../json.js';
import { BUILTINS, BUILTIN_IDS } from '../builtins/builtin-table.js';
import { messageInContext } from '../builtins/send-message.js';
import { contestedTargets } from '../actions/contest.js';
import { visibleLogRecord } from '../room/audit.js';
import { encodeAction, encodeAgent, encodeView } from '../room/record-codec.js';
import type { ActionRecord, LogRecord, Message } from '../room/model.js';
import { agentPublic } from './derived.js';
import { MAX_MESSAGES_LIMIT, type ContextQuery } from './context-query.js';
import { MAX_FULL_MESSAGES } from '../limits.js';
import { readableState, readableVersions } from './readable-state.js';
import type { ReadSession } from './read-session.js';
import type { Context } from '../../protocol/wire/reads.js';

export interface ContextInputs {
  recent: Message[];
  /** Total messages in the room (for the truncation marker). */
  total: number;
  audit: LogRecord[];
}

export function buildContext(session: ReadSession, q: ContextQuery, inputs: ContextInputs): Context {
  const out: Record<string, unknown> = {};
  out.state = stateSection(session, q, inputs);
  out.views = viewsSection(session);
  out.agents = agentsSection(session);
  const visibleActions = session.visibleActions();
  if (q.actions) out.actions = actionsSection(session, visibleActions, q);
  let truncated: JsonObject | null = null;
  const counts = session.messageCounts();
  if (q.messages) {
    const section: Record<string, unknown> = { ...counts, recent: inputs.recent.map((m) => messageInContext(m, q.messagesFull)) };
    const upper = q.messagesBefore === null ? inputs.total : Math.min(inputs.total, Math.max(0, q.messagesBefore - 1));
    const rangeTotal = Math.max(0, upper - (q.messagesAfter ?? 0));
    if (rangeTotal > inputs.recent.length && inputs.recent.length > 0) {
      const oldest = inputs.recent[0]!.seq;
      const expandLimit = Math.min(rangeTotal, q.messagesFull ? MAX_FULL_MESSAGES : MAX_MESSAGES_LIMIT);
      truncated = { missing: rangeTotal - inputs.recent.length, oldest_seq: oldest, _expand: `?messages_after=${q.messagesAfter ?? 0}${q.messagesBefore === null ? '' : `&messages_before=${q.messagesBefore}`}&messages_limit=${expandLimit}${q.messagesFull ? '&messages_full=true' : ''}` };
      section._elided = { total: rangeTotal, returned: inputs.recent.length, ...truncated };
    }
    out.messages = section;
  }
  out.self = session.self;
  const shaped = q.only ? applyOnly(out, q.only) : out;
  const contested = contestedTargets(session.room.actions.values());
  if (contested.size > 0) {
    const views = (shaped.views ?? {}) as Record<string, unknown>;
    views._contested = { value: Object.fromEntries(contested), description: 'Write targets declared by two or more actions. Keys are scope:key, values are the competing action ids.', system: true };
    shaped.views = views;
  }
  shaped._context = envelope(shaped, q, visibleActions, counts.directed_unread, contested.size > 0, truncated);
  return shaped as Context;
}

function stateSection(session: ReadSession, q: ContextQuery, inputs: ContextInputs): JsonObject {
  const { room, reader } = session;
  const state = readableState(session);
  if (q.include.includes('_versions')) state._versions = readableVersions(session);
  if (q.include.includes('_actions')) state._actions = recordMap(session.visibleActions().map((a) => [a.id, encodeAction(a)]));
  if (q.include.includes('_views')) state._views = recordMap(session.visibleViews().map((v) => [v.id, encodeView(v)]));
  if (q.include.includes('_agents')) {
    state._agents = recordMap([...room.agents.values()].filter((a) => room.celAgents.has(a.id)).map((a) => [a.id, agentRecordFor(a, session)]));
  }
  if (q.include.includes('_messages')) state._messages = recordMap(inputs.recent.map((m) => [String(m.seq), messageInContext(m, q.messagesFull)]));
  if (q.include.includes('_audit')) state._audit = recordMap(inputs.audit.map((r) => [String(r.seq), visibleLogRecord(r, reader)]));
  return state;
}

function agentRecordFor(agent: Parameters<typeof encodeAgent>[0], session: ReadSession): JsonObject {
  const full = encodeAgent(agent);
  const own = session.reader.admin || session.reader.agentId === agent.id;
  if (!own) delete full.last_seen_seq;
  delete full.enabled_authority;
  return full;
}

function recordMap(pairs: Array<[string, Json]>): JsonObject {
  return Object.fromEntries(pairs);
}

function viewsSection(session: ReadSession): JsonObject {
  const views: JsonObject = {};
  for (const view of session.visibleViews()) views[view.id] = session.viewJson(view);
  return views;
}

function agentsSection(session: ReadSession): JsonObject {
  const agents: JsonObject = {};
  for (const agent of session.room.agents.values()) if (session.room.celAgents.has(agent.id)) agents[agent.id] = agentPublic(agent);
  return agents;
}

function actionsSection(session: ReadSession, visible: ActionRecord[], q: ContextQuery): JsonObject {
  const actions: JsonObject = {};
  const detailed = q.depth !== 'lean';
  for (const action of visible) {
    const entry: JsonObject = { available: session.actionAvailable(action), description: action.description };
    if (detailed) {
      entry.enabled = true;
      if (action.params) entry.params = action.params as Json;
      if (action.writes.length) entry.writes = action.writes as Json;
      if (action.if) entry.if = action.if;
      if (action.scope !== '_shared') entry.scope = action.scope;
      if (action.result) entry.result = action.result;
      if (action.version) entry.version = action.version;
    }
    if (q.depth === 'usage') entry.invocation_count = session.room.invocations.get(action.id) ?? 0;
    actions[action.id] = entry;
  }
  for (const id of BUILTIN_IDS) {
    if (id === 'help' && session.room.actions.has('help')) continue;
    const builtin = BUILTINS[id]!;
    actions[id] = detailed ? { available: true, builtin: true, description: builtin.description, enabled: true, params: builtin.params } : { available: true, builtin: true, description: builtin.description };
  }
  return actions;
}

function applyOnly(out: Record<string, unknown>, only: string[]): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const section of only) {
    if (section.startsWith('state.')) {
      const scope = section.slice('state.'.length);
      const state = (shaped.state ?? (shaped.state = {})) as JsonObject;
      setOwn(state, scope, ownValue(out.state as JsonObject, scope) ?? {});
    } else if (Object.hasOwn(out, section)) shaped[section] = out[section];
  }
  if (out.self) shaped.self = out.self;
  return shaped;
}

function envelope(shaped: Record<string, unknown>, q: ContextQuery, visible: ActionRecord[], directedUnread: number, contested: boolean, truncated: JsonObject | null): JsonObject {
  const help: string[] = [];
  if (visible.length === 0) help.push('vocabulary_bootstrap');
  if (directedUnread > 0) help.push('directed_messages');
  if (contested) help.push('contested_actions');
  if (truncated) help.push('context_shaping');
  const elided: string[] = [];
  const expand: string[] = [];
  const elide = (section: string, hint: string) => {
    elided.push(section);
    expand.push(hint);
  };
  if (!q.actions) elide('actions', '?actions=true');
  if (!q.messages) elide('messages', '?messages=true');
  if (q.only) {
    for (const section of ['state', 'views', 'agents', 'actions', 'messages']) {
      if (!(section in shaped) && !elided.includes(section)) elide(section, `?only=${section}`);
    }
  }
  const env: JsonObject = { sections: Object.keys(shaped), depth: q.depth };
  if (truncated) env.messages_truncated = truncated;
  if (help.length) env.help = help;
  if (elided.length) {
    env.elided = elided;
    env._expand = expand;
  }
  env.request = q.request;
  return env;
}
