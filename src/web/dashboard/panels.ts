// The dashboard's panels: each turns one snapshot of the room into DOM.
import type { Context, Poll } from '../../protocol/wire/reads.js';
import { ago, el, json } from '../shared/dom.js';

export interface Snapshot {
  poll: Poll;
  context: Context;
}

export type PanelId = 'agents' | 'state' | 'messages' | 'actions' | 'views' | 'audit' | 'cel';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function counts(s: Snapshot): Record<Exclude<PanelId, 'cel'>, number> {
  return {
    agents: Object.keys(obj(s.context.agents)).length,
    state: s.poll.state.length,
    messages: Number(obj(s.context.messages).count ?? 0),
    actions: Object.keys(s.poll.actions).length,
    views: Object.keys(s.poll.views).length,
    audit: s.poll.audit.length,
  };
}

export function agentsPanel(s: Snapshot): HTMLElement {
  const agents = Object.entries(obj(s.context.agents));
  if (agents.length === 0) return el('p', { class: 'dim' }, 'No agents yet.');
  return el(
    'div',
    { class: 'cards' },
    ...agents.map(([id, raw]) => {
      const a = obj(raw);
      const status = text(a.status ?? 'unknown');
      return el(
        'article',
        { class: 'card', 'data-agent': id },
        el('h3', {}, text(a.name ?? id), ' ', el('span', { class: `badge ${status}` }, status)),
        el('p', { class: 'dim' }, `${text(a.role ?? '')} · ${id}`),
        a.waiting_on ? el('p', {}, `⏳ ${text(a.waiting_on)}`) : null,
        el('p', { class: 'dim' }, `heartbeat ${ago(a.last_heartbeat)}`),
      );
    }),
  );
}

export function statePanel(s: Snapshot): HTMLElement {
  if (s.poll.state.length === 0) return el('p', { class: 'dim' }, 'No state yet.');
  const byScope = new Map<string, Obj[]>();
  for (const row of s.poll.state) {
    const scope = text(row.scope);
    byScope.set(scope, [...(byScope.get(scope) ?? []), row]);
  }
  const order = [...byScope.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  return el(
    'div',
    {},
    ...order.map((scope) =>
      el(
        'section',
        { class: 'scope', 'data-scope': scope },
        el('h3', {}, scope),
        ...byScope.get(scope)!.map((row) =>
          el('div', { class: 'row', 'data-key': text(row.key) }, el('span', { class: 'key' }, text(row.key)), json(row.value), el('span', { class: 'dim' }, `r${text(row.revision)} · ${row.writer ? `← ${text(row.writer)} · ` : ''}${ago(row.updated_at)}`)),
        ),
      ),
    ),
  );
}

const rank = (scope: string) => (scope === '_shared' ? 0 : scope.startsWith('_') ? 1 : 2);

export function messagesPanel(s: Snapshot): HTMLElement {
  const recent = (obj(s.context.messages).recent ?? []) as Obj[];
  if (recent.length === 0) return el('p', { class: 'dim' }, 'No messages yet.');
  return el(
    'ol',
    { class: 'messages' },
    ...recent.map((m) => el('li', { 'data-seq': text(m.seq) }, el('strong', {}, text(m.from ?? 'system')), ' ', el('span', { class: 'badge' }, text(m.kind)), ' ', el('span', { class: 'body' }, text(m.body)), el('span', { class: 'dim' }, ` #${text(m.seq)} · ${ago(m.ts)}`))),
  );
}

export function actionsPanel(s: Snapshot): HTMLElement {
  const described = obj(s.context.actions);
  const ids = Object.keys(described).sort((a, b) => Number(a.startsWith('_') || a === 'help') - Number(b.startsWith('_') || b === 'help') || (a < b ? -1 : 1));
  return el(
    'div',
    { class: 'cards' },
    ...ids.map((id) => {
      const a = obj(described[id]);
      return el('article', { class: 'card', 'data-action': id }, el('h3', {}, a.available === false ? '○ ' : '● ', id, a.builtin ? el('span', { class: 'badge' }, 'built-in') : null), el('p', {}, text(a.description ?? '')));
    }),
  );
}

export function viewsPanel(s: Snapshot): HTMLElement {
  const views = Object.entries(s.poll.views);
  if (views.length === 0) return el('p', { class: 'dim' }, 'No views yet.');
  return el('div', { class: 'cards' }, ...views.map(([id, value]) => el('article', { class: 'card', 'data-view': id }, el('h3', {}, id), json(value))));
}

export function auditPanel(s: Snapshot): HTMLElement {
  return el(
    'ol',
    { class: 'audit' },
    ...s.poll.audit.map((r) => el('li', { 'data-seq': text(r.seq) }, r.ok === false ? '✗ ' : '✓ ', el('strong', {}, text(r.agent ?? 'system')), ' ', text(r.kind ?? ''), ' ', text(r.action ?? ''), el('span', { class: 'dim' }, ` #${text(r.seq)}`))),
  );
}
