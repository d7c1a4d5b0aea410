// /mcp: the official MCP SDK's Streamable HTTP transport (web-standard Request/Response, so Hono
// hands it c.req.raw), one SDK Server per MCP session. Sessions live in this process (a GET stream
// is a connection to one process); what matters beyond a session (embodiments, grants, narrowing)
// is keyed to the credential in McpState. See docs/mcp.md.
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode as RpcError,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isSyncError, SyncError } from '../../core/errors.js';
import { readerOf, type Services } from '../../core/service/index.js';
import { isValidId } from '../../protocol/index.js';
import { SYNC_TOOLS, type ToolSpec } from '../../protocol/wire/mcp.js';
import type { McpAuth, McpPrincipal } from './mcp-auth.js';
import type { McpState, StoredSession } from './mcp-state.js';
import { SyncTools } from './sync-tools.js';

/** A tool another module adds to /mcp (the beach's bsp tools, D26): zod input, any JSON output. */
export interface ExtraTool {
  name: string;
  description: string;
  inputSchema: z.ZodObject;
  handler(args: Record<string, unknown>): Promise<unknown>;
}

export interface McpEndpointOptions {
  services: Services;
  auth: McpAuth;
  state: McpState;
  log: { error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  serverVersion: string;
  progressIntervalMs?: number;
  /** Most MCP sessions this process keeps; the least recently used is closed beyond it. */
  maxSessions?: number;
  /** Most MCP sessions one credential keeps in this process. */
  maxSessionsPerCredential?: number;
  /** Sessions without a request for this long are closed (their client re-initializes). */
  idleMs?: number;
  /** Most resource subscriptions per session. */
  maxSubscriptions?: number;
  extraTools?: readonly ExtraTool[];
  /** Serve only the extra tools, to anyone (no credential): /mcp/beach. */
  open?: boolean;
}

interface Session {
  id: string;
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  principal: McpPrincipal;
  lastUsed: number;
  subscriptions: Map<string, () => void>;
  /** Kept in the store (a bearer credential's): any process sharing it can rebuild the session. */
  shared: boolean;
}

/** closeSession's `dropRowIdleSince` for a session that ends everywhere (DELETE elsewhere, eviction). */
const ENDED = Number.MAX_SAFE_INTEGER;
const NOT_FOUND = () => rpcError(404, -32001, 'Session not found: initialize a new session.');

const URI = /^sync:\/\/rooms\/([^/]+)\/context$/;
export const roomUri = (roomId: string) => `sync://rooms/${roomId}/context`;

function roomOfUri(uri: string): string {
  const match = URI.exec(uri);
  if (!match || !isValidId(match[1])) throw new McpError(RpcError.InvalidParams, `Unknown resource ${uri.slice(0, 200)}: resources are sync://rooms/<room>/context.`);
  return match[1]!;
}

/** `{content: [{type: 'text', text}], isError?}`: a result a tool made itself. */
function isToolResult(value: unknown): value is { content: Array<{ type: 'text'; text: string }>; isError?: boolean } {
  const content = (value as { content?: unknown } | null)?.content;
  return Array.isArray(content) && content.every((c) => typeof c === 'object' && c !== null && (c as { type?: unknown }).type === 'text' && typeof (c as { text?: unknown }).text === 'string');
}

const STANDARD_FORMATS = new Set(['date-time', 'date', 'time', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uri-reference', 'uuid', 'regex']);

/** Drop zod's own `format` names (starts_with, …): validators warn on formats they do not know; the pattern stays. */
function dropUnknownFormats(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropUnknownFormats);
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.format === 'string' && !STANDARD_FORMATS.has(obj.format)) delete obj.format;
  for (const value of Object.values(obj)) dropUnknownFormats(value);
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  dropUnknownFormats(json);
  return { ...json, type: 'object' } as Tool['inputSchema'];
}

function toolOf(spec: ToolSpec): Tool {
  const [readOnlyHint, destructiveHint, idempotentHint, openWorldHint] = spec.hints;
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: jsonSchema(spec.input, 'input'),
    outputSchema: jsonSchema(spec.output, 'output'),
    annotations: { title: spec.title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint },
  };
}

/** A failed tool call: isError, text starting with the D2 code, the D2 body as JSON below it. */
export function errorResult(error: SyncError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}\n${JSON.stringify(error.toBody())}` }] };
}

function invalidInput(error: z.ZodError): SyncError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  return new SyncError('invalid_body', `The tool arguments are not valid: ${field ? `${field}: ` : ''}${issue.message.replace(/\.$/, '')}.`, field ? { field } : {});
}

export class McpEndpoint {
  private readonly sessions = new Map<string, Session>();
  private readonly restoring = new Map<string, Promise<Session | undefined>>();
  private readonly idleMs: number;
  private readonly tools: SyncTools;
  private readonly specs = new Map<string, ToolSpec>();
  private readonly extra = new Map<string, ExtraTool>();
  private readonly toolList: Tool[];
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly o: McpEndpointOptions) {
    this.tools = new SyncTools({ services: o.services, state: o.state, progressIntervalMs: o.progressIntervalMs ?? 5000 });
    if (!o.open) for (const spec of SYNC_TOOLS) this.specs.set(spec.name, spec);
    for (const tool of o.extraTools ?? []) this.extra.set(tool.name, tool);
    this.toolList = [
      ...[...this.specs.values()].map(toolOf),
      ...[...this.extra.values()].map((t) => ({ name: t.name, description: t.description, inputSchema: jsonSchema(t.inputSchema, 'input') })),
    ];
    o.services.registry.onForget((roomId) => void o.state.forgetRoom(roomId).catch((err: unknown) => o.log.error({ err }, 'MCP: forgetting a deleted room failed')));
    const idleMs = (this.idleMs = o.idleMs ?? 60 * 60_000);
    this.sweeper = setInterval(() => {
      const now = Date.now();
      // The row goes only when no process used the session either.
      for (const s of [...this.sessions.values()]) if (now - s.lastUsed > idleMs) void this.closeSession(s, now - idleMs);
    }, Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Answer one HTTP request on the MCP endpoint. */
  async handle(req: Request): Promise<Response> {
    const sessionId = req.headers.get('mcp-session-id');
    const header = req.headers.get('authorization');
    if (sessionId !== null) {
      const principal = await this.authenticate(header, sessionId);
      const session = await this.sessionFor(sessionId, principal);
      if (!session) return NOT_FOUND();
      await requireScopeFor(req, principal);
      session.principal = principal;
      session.lastUsed = Date.now();
      return session.transport.handleRequest(req);
    }
    if (req.method !== 'POST') {
      // Without a session there is no stream to open (GET) or session to end (DELETE).
      return rpcError(400, RpcError.InvalidRequest, 'Bad Request: an Mcp-Session-Id header is required (initialize first).');
    }
    const id = randomUUID();
    const principal = await this.authenticate(header, id);
    const session = this.open(id, principal, await initializeParams(req));
    const res = await session.transport.handleRequest(req);
    // Not an initialize request (or a failed one): no session was made; drop the transport.
    if (session.transport.sessionId === undefined) void session.server.close().catch(() => undefined);
    return res;
  }

  private async authenticate(header: string | null, sessionKey: string): Promise<McpPrincipal> {
    if (this.o.open) return { key: `open:${sessionKey}`, description: 'open endpoint, no credential', mayCreateRooms: false, callerFor: async () => ({ kind: 'anonymous', agentId: null }), rooms: async () => [] };
    return this.o.auth.authenticate(header, sessionKey);
  }

  /**
   * The session with this id for this credential: held here, or rebuilt from its stored row (made
   * on another process); undefined when unknown, ended, idle too long, or another credential's.
   */
  private async sessionFor(id: string, principal: McpPrincipal): Promise<Session | undefined> {
    const local = this.sessions.get(id);
    if (local && local.principal.key !== principal.key) return undefined;
    if (local && !local.shared) return local;
    if (!principal.key.startsWith('bearer:')) return undefined;
    const now = Date.now();
    const row = await this.o.state.sessionStore.touchSession(id, now, now - this.idleMs);
    if (!row) void this.o.state.sessionStore.dropSession(id, now - this.idleMs).catch(() => undefined); // an idle row is dead
    if (!row || row.principal !== principal.key) {
      // Ended elsewhere (DELETE on another process) or idle: this copy goes too, and the session with it.
      if (local && !row) await this.closeSession(local, ENDED);
      return undefined;
    }
    if (local) return local;
    let pending = this.restoring.get(id);
    if (!pending) {
      pending = this.restore(row, principal).finally(() => this.restoring.delete(id));
      this.restoring.set(id, pending);
    }
    return pending;
  }

  /** Rebuild a stored session here: the SDK's own initialize handshake (answers discarded), then its subscriptions. */
  private async restore(row: StoredSession, principal: McpPrincipal): Promise<Session | undefined> {
    const session = this.open(row.id, principal, undefined);
    const client = JSON.parse(row.client) as { clientInfo?: unknown; capabilities?: unknown };
    const post = (body: object) =>
      session.transport.handleRequest(
        new Request('http://local/mcp', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': row.id, 'mcp-protocol-version': row.protocolVersion },
          body: JSON.stringify(body),
        }),
      );
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: row.protocolVersion, capabilities: client.capabilities ?? {}, clientInfo: client.clientInfo ?? { name: 'unknown', version: '0' } } };
    await (await post(init)).text();
    if (session.transport.sessionId !== row.id) {
      void session.server.close().catch(() => undefined);
      return undefined;
    }
    await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
    await this.o.state.adopt(row.id);
    for (const uri of row.subscriptions) await this.subscribe(session, uri).catch(() => undefined);
    return session;
  }

  private open(id: string, principal: McpPrincipal, init: InitializeParams | undefined): Session {
    const server = new Server(
      { name: 'agent-sync', version: this.o.serverVersion },
      {
        capabilities: this.o.open ? { tools: {} } : { tools: {}, resources: { subscribe: true }, logging: {} },
        instructions: this.o.open
          ? 'The beach: pscale block tools; writes are guarded by lock secrets.'
          : 'agent-sync rooms. Start with sync_lobby; sync_embody an agent before mutating tools; sync_wait (or subscribe to sync://rooms/<id>/context) to follow a room.',
      },
    );
    const shared = principal.key.startsWith('bearer:');
    const session: Session = { id, server, principal, lastUsed: Date.now(), subscriptions: new Map(), shared, transport: null as unknown as WebStandardStreamableHTTPServerTransport };
    session.transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      onsessioninitialized: async () => {
        this.sessions.set(id, session);
        if (shared && init) await this.saveSession(session, init);
        // Bounded per credential first (one token cannot push others out), then per process.
        const own = [...this.sessions.values()].filter((s) => s.principal.key === principal.key);
        if (own.length > (this.o.maxSessionsPerCredential ?? 32)) void this.closeSession(oldestOf(own), ENDED);
        if (this.sessions.size > (this.o.maxSessions ?? 1000)) void this.closeSession(oldestOf([...this.sessions.values()]), ENDED);
      },
      onsessionclosed: async () => {
        this.forget(session, true);
        if (shared) await this.o.state.sessionStore.dropSession(id);
      },
    });
    session.transport.onclose = () => this.forget(session, !session.shared);
    this.installHandlers(session);
    void server.connect(session.transport);
    return session;
  }

  /**
   * Drop this process's copy. `ended`: the session ended everywhere, its embodiments are released
   * (a shared session's copy closed here for idleness or shutdown leaves them to their lease).
   */
  private forget(session: Session, ended: boolean): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    for (const stop of session.subscriptions.values()) stop();
    session.subscriptions.clear();
    void this.o.state.forgetSession(session.id, ended).catch((err: unknown) => this.o.log.error({ err }, 'MCP: releasing a closed session failed'));
    if (session.principal.key.startsWith('local:') || session.principal.key.startsWith('open:')) this.o.state.forgetPrincipal(session.principal.key);
  }

  private async saveSession(session: Session, init: InitializeParams): Promise<void> {
    const now = Date.now();
    const protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(init.protocolVersion) ? init.protocolVersion : LATEST_PROTOCOL_VERSION;
    await this.o.state.sessionStore.saveSession({ id: session.id, principal: session.principal.key, protocolVersion, client: JSON.stringify({ clientInfo: init.clientInfo, capabilities: init.capabilities }), createdAt: now, lastUsed: now, subscriptions: [] });
  }

  /**
   * Close this process's copy. `dropRowIdleSince`: also remove the stored row (ENDED: always;
   * idle: only when no process used it since then). Shutdown keeps it.
   */
  private async closeSession(session: Session, dropRowIdleSince?: number): Promise<void> {
    this.forget(session, !session.shared || dropRowIdleSince === ENDED);
    if (session.shared && dropRowIdleSince !== undefined) await this.o.state.sessionStore.dropSession(session.id, dropRowIdleSince).catch((err: unknown) => this.o.log.error({ err }, 'MCP: dropping a session row failed'));
    await session.server.close().catch(() => undefined);
  }

  /** Close every session (server shutdown). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => this.closeSession(s)));
  }

  private installHandlers(session: Session): void {
    const { server } = session;
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: this.toolList }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const name = request.params.name;
      const spec = this.specs.get(name);
      const extraTool = this.extra.get(name);
      if (!spec && !extraTool) throw new McpError(RpcError.InvalidParams, `Unknown tool: ${name.slice(0, 100)}`);
      const schema = spec?.input ?? extraTool!.inputSchema;
      const parsed = schema.safeParse(request.params.arguments ?? {});
      if (!parsed.success) return errorResult(invalidInput(parsed.error));
      const token = request.params._meta?.progressToken;
      try {
        const result = spec
          ? await this.tools.handlers[name]!(parsed.data as Record<string, unknown>, {
              principal: session.principal,
              session: session.id,
              signal: extra.signal,
              progress: async (progress, total, message) => {
                if (token === undefined || extra.signal.aborted) return;
                await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), message } });
              },
            })
          : await extraTool!.handler(parsed.data as Record<string, unknown>);
        // A tool that answers in MCP's own result shape (the beach tools: text, isError) is passed through.
        if (!spec && isToolResult(result)) return result;
        const structured = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : { result };
        return { content: [{ type: 'text', text: JSON.stringify(result, null, 2) }], ...(spec ? { structuredContent: structured } : {}) };
      } catch (error) {
        if (isSyncError(error)) return errorResult(error);
        this.o.log.error({ err: error, tool: name }, 'MCP tool failed');
        return errorResult(new SyncError('internal_error', 'The server failed to run this tool.'));
      }
    });
    if (this.o.open) return;

    server.setRequestHandler(ListResourcesRequestSchema, async () => {
      const ids = await this.tools.rooms(session.principal);
      const page = await this.o.services.rooms.list(ids, { limit: 100 });
      return {
        resources: page.rooms.map((r) => ({
          uri: roomUri(r.id),
          name: `room ${r.id}`,
          title: typeof r.meta.label === 'string' ? r.meta.label : `Room ${r.id}`,
          description: `The context of the room ${r.id} as this session may read it; subscribe to follow its changes.`,
          mimeType: 'application/json',
        })),
      };
    });
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: [{ uriTemplate: 'sync://rooms/{room}/context', name: 'room context', description: 'The context of a room this session may read.', mimeType: 'application/json' }],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const roomId = roomOfUri(request.params.uri);
      try {
        const out = await this.tools.handlers.sync_read_context!({ room: roomId }, { principal: session.principal, session: session.id, signal: new AbortController().signal, progress: async () => {} });
        return { contents: [{ uri: request.params.uri, mimeType: 'application/json', text: JSON.stringify(out) }] };
      } catch (error) {
        throw rpcFailure(error);
      }
    });
    server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      await this.subscribe(session, request.params.uri);
      await this.storeSubscriptions(session);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      const stop = session.subscriptions.get(request.params.uri);
      stop?.();
      session.subscriptions.delete(request.params.uri);
      await this.storeSubscriptions(session);
      return {};
    });
  }

  private async storeSubscriptions(session: Session): Promise<void> {
    if (session.shared) await this.o.state.sessionStore.setSubscriptions(session.id, [...session.subscriptions.keys()]);
  }

  private async subscribe(session: Session, uri: string): Promise<void> {
    const roomId = roomOfUri(uri);
    if (session.subscriptions.has(uri)) return;
    if (session.subscriptions.size >= (this.o.maxSubscriptions ?? 100)) throw new McpError(RpcError.InvalidRequest, 'Too many resource subscriptions in this session.');
    try {
      const caller = await this.tools.readerFor(session.principal, session.id, roomId);
      this.o.services.reads.requireRead(caller);
      const room = await this.o.services.registry.get(roomId);
      const notify = () => {
        // A credential that gave up the room (sync_revoke_access) stops hearing about it.
        void this.o.state.restrictionOf(session.principal.key, roomId).then(
          (restriction) => {
            if (restriction?.level !== 'revoked') return session.server.sendResourceUpdated({ uri });
            session.subscriptions.get(uri)?.();
            session.subscriptions.delete(uri);
          },
        ).catch(() => undefined);
      };
      const stop = this.o.services.events.subscribe(room, readerOf(caller), notify, () => {
        notify();
        session.subscriptions.delete(uri);
      });
      session.subscriptions.set(uri, stop);
    } catch (error) {
      throw rpcFailure(error);
    }
  }
}

type InitializeParams = { protocolVersion: string; clientInfo?: unknown; capabilities?: unknown };

/** The initialize request's params (undefined for any other request: the transport refuses it). */
async function initializeParams(req: Request): Promise<InitializeParams | undefined> {
  try {
    const body = (await req.clone().json()) as { method?: unknown; params?: { protocolVersion?: unknown; clientInfo?: unknown; capabilities?: unknown } } | null;
    if (body?.method !== 'initialize' || typeof body.params?.protocolVersion !== 'string') return undefined;
    return { protocolVersion: body.params.protocolVersion, clientInfo: body.params.clientInfo, capabilities: body.params.capabilities };
  } catch {
    return undefined;
  }
}

/**
 * A user's token without create_rooms calling sync_create_room is answered 403
 * insufficient_scope before the call runs (the MCP authorization spec's step-up: the client may
 * ask the user for the wider scope and retry). Every other refusal stays a tool error, naming its room.
 */
async function requireScopeFor(req: Request, principal: McpPrincipal): Promise<void> {
  if (req.method !== 'POST' || !principal.user || principal.mayCreateRooms) return;
  let body: unknown;
  try {
    body = await req.clone().json();
  } catch {
    return; // the transport answers the parse error
  }
  const calls = (Array.isArray(body) ? body : [body]) as Array<{ method?: unknown; params?: { name?: unknown } } | null>;
  if (!calls.some((m) => m?.method === 'tools/call' && m.params?.name === 'sync_create_room')) return;
  throw new SyncError('insufficient_scope', 'This token cannot create rooms: its scope lacks create_rooms.', { scope: `${principal.user.scope} create_rooms` });
}

function oldestOf(sessions: Session[]): Session {
  return sessions.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
}

/** A resource request's failure: the D2 code and message in a JSON-RPC error. */
function rpcFailure(error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (isSyncError(error)) {
    const code = error.code === 'room_not_found' ? -32002 : RpcError.InvalidParams;
    return new McpError(code, `${error.code}: ${error.message}`, error.toBody());
  }
  return new McpError(RpcError.InternalError, 'internal_error: the server failed to answer.');
}

function rpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), { status, headers: { 'content-type': 'application/json' } });
}
