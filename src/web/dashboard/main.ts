// The room dashboard (GET /rooms/:id/dashboard): a read-mostly view of one room for people. It
// talks to the HTTP API only, through the SDK, with the token in the Authorization header; it
// follows the room's event stream and re-reads on each change instead of polling.
import { AgentSyncClient, isAgentSyncError } from '../../client/index.js';
import { byId, clear, el, json } from '../shared/dom.js';
import { actionsPanel, agentsPanel, auditPanel, counts, messagesPanel, statePanel, viewsPanel, type PanelId, type Snapshot } from './panels.js';
import '../shared/base.css';
import './style.css';

const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const storageKey = `sync_token_${roomId}`;
const TABS: Array<[PanelId, string]> = [
  ['agents', 'Agents'],
  ['state', 'State'],
  ['messages', 'Messages'],
  ['actions', 'Actions'],
  ['views', 'Views'],
  ['audit', 'Audit'],
  ['cel', 'CEL'],
];

let tab: PanelId = 'agents';
let snapshot: Snapshot | null = null;
let following: AbortController | null = null;

function setLive(state: 'live' | 'error' | 'connecting', detail = ''): void {
  const live = byId('live');
  live.textContent = state === 'live' ? 'live' : state === 'error' ? `error${detail ? `: ${detail}` : ''}` : 'connecting…';
  live.className = `live ${state}`;
}

function showGate(message = ''): void {
  following?.abort();
  byId('main').hidden = true;
  byId('disconnect').hidden = true;
  byId('gate').hidden = false;
  byId('gate-error').textContent = message;
}

async function open(token: string, fromLink: boolean): Promise<void> {
  const client = new AgentSyncClient({ baseUrl: location.origin, token, retry: { retries: 2 } });
  try {
    await client.poll(roomId, { limit: 1 });
  } catch (error) {
    sessionStorage.removeItem(storageKey);
    const auth = isAgentSyncError(error) && (error.status === 401 || error.status === 403);
    return showGate(auth ? (fromLink ? 'The token from the link is not valid for this room.' : 'That token is not valid for this room.') : `Could not reach the server (${isAgentSyncError(error) ? error.code : String(error)}).`);
  }
  sessionStorage.setItem(storageKey, token);
  byId('gate').hidden = true;
  byId('main').hidden = false;
  byId('disconnect').hidden = false;
  await refresh(client);
  void follow(client);
}

async function refresh(client: AgentSyncClient): Promise<void> {
  try {
    const [poll, context] = await Promise.all([client.poll(roomId, { limit: 200 }), client.context(roomId, { depth: 'full', messagesLimit: 100 })]);
    snapshot = { poll, context };
    render(client);
  } catch (error) {
    if (isAgentSyncError(error) && error.status === 401) return showGate('The token is no longer valid.');
    setLive('error', isAgentSyncError(error) ? error.code : String(error));
  }
}

// Re-read after each committed change, at most once per 150 ms while changes keep coming.
async function follow(client: AgentSyncClient): Promise<void> {
  following?.abort();
  const controller = (following = new AbortController());
  let pending: ReturnType<typeof setTimeout> | null = null;
  const after = Math.max(0, ...(snapshot?.poll.audit ?? []).map((r) => Number(r.seq) || 0));
  setLive('live');
  try {
    for await (const _event of client.events(roomId, { after, signal: controller.signal, onReconnect: () => setLive('connecting') })) {
      setLive('live');
      pending ??= setTimeout(() => {
        pending = null;
        void refresh(client);
      }, 150);
    }
  } catch (error) {
    if (!controller.signal.aborted) setLive('error', isAgentSyncError(error) ? error.code : String(error));
  }
}

function render(client: AgentSyncClient): void {
  if (!snapshot) return;
  const n = counts(snapshot);
  byId('summary').textContent = `${n.agents} agents · ${n.state} keys · ${n.messages} messages · ${n.actions} actions · ${n.views} views`;
  const tabs = byId('tabs');
  clear(tabs);
  for (const [id, label] of TABS) {
    const badge = id === 'cel' ? '' : ` ${n[id]}`;
    const button = el('button', { role: 'tab', 'aria-selected': String(id === tab), 'data-tab': id }, label + badge);
    button.addEventListener('click', () => {
      tab = id;
      render(client);
    });
    tabs.append(button);
  }
  const panel = byId('panel');
  clear(panel);
  panel.append(tab === 'cel' ? celPanel(client) : PANELS[tab](snapshot));
}

const PANELS: Record<Exclude<PanelId, 'cel'>, (s: Snapshot) => HTMLElement> = {
  agents: agentsPanel,
  state: statePanel,
  messages: messagesPanel,
  actions: actionsPanel,
  views: viewsPanel,
  audit: auditPanel,
};

function celPanel(client: AgentSyncClient): HTMLElement {
  const input = el('input', { id: 'cel-expr', placeholder: 'state._shared', spellcheck: 'false' }) as HTMLInputElement;
  const output = el('div', { id: 'cel-output' });
  const form = el('form', { id: 'cel-form' }, input, el('button', { type: 'submit' }, 'Eval'), output);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    client.eval(roomId, input.value).then(
      (r) => output.replaceChildren(json(r.value)),
      (e: unknown) => output.replaceChildren(el('p', { class: 'error' }, isAgentSyncError(e) ? `${e.code}: ${e.message}` : String(e))),
    );
  });
  return form;
}

function start(): void {
  byId('room').textContent = roomId;
  document.title = `${roomId} · agent-sync`;
  byId('gate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void open(byId<HTMLInputElement>('token').value.trim(), false);
  });
  byId('disconnect').addEventListener('click', () => {
    sessionStorage.removeItem(storageKey);
    showGate();
  });
  // A link may carry the token in its fragment (never sent to the server); it is taken out of the URL at once.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) history.replaceState(null, '', location.pathname + location.search);
  const token = fromLink ?? sessionStorage.getItem(storageKey);
  if (token) void open(token, fromLink !== null);
  else showGate();
}

start();
