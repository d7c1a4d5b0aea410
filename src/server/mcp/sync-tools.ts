// The 18 sync tools (seed 000, sync-auth-mcp-ui §7.4): each resolves the session's caller for the
// room and calls the same service as the HTTP route, so authorisation is the HTTP one. MCP adds
// only embodiment (which agent mutating tools act as) and self-narrowing, both kept in McpState.
import { createHash } from 'node:crypto';
import { SyncError, quote } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import { ANONYMOUS, type Caller, type ContextInput, type Services } from '../../core/service/index.js';
import type { McpPrincipal } from './mcp-auth.js';
import type { McpState } from './mcp-state.js';

export type Access = 'admin' | 'agent' | 'viewer' | 'observer' | 'local';

export interface ToolContext {
  principal: McpPrincipal;
  /** The MCP session id (embodiments belong to it). */
  session: string;
  signal: AbortSignal;
  /** Report progress (sync_wait); a no-op when the client sent no progress token. */
  progress(progress: number, total: number | undefined, message: string): Promise<void>;
}

export interface SyncToolDeps {
  services: Services;
  state: McpState;
  /** How often sync_wait reports progress while it waits. */
  progressIntervalMs: number;
}

type Args = Record<string, unknown>;
type Handler = (args: Args, ctx: ToolContext) => Promise<unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): string[] | undefined => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

export function contextInputOf(args: Args): ContextInput {
  return {
    depth: str(args.depth),
    only: list(args.only),
    actions: args.actions as boolean | undefined,
    messages: args.messages as boolean | undefined,
    messagesAfter: args.messages_after as number | undefined,
    messagesBefore: args.messages_before as number | undefined,
    messagesLimit: args.messages_limit as number | undefined,
    messagesFull: args.messages_full as boolean | undefined,
    include: list(args.include),
  };
}

/** The agent id a session embodies when it names none: stable per credential, secret-free. */
export function defaultAgentId(principalKey: string): string {
  return `mcp-${createHash('sha256').update(principalKey).digest('hex').slice(0, 12)}`;
}

export class SyncTools {
  constructor(private readonly deps: SyncToolDeps) {}

  /** The caller the credential (plus MCP grants and narrowing) gives in the room, before embodiment. */
  async base(p: McpPrincipal, roomId: string): Promise<{ caller: Caller; access: Access }> {
    const { services, state } = this.deps;
    await services.registry.get(roomId); // room_not_found first
    const restriction = await state.restrictionOf(p.key, roomId);
    if (restriction?.level === 'revoked') {
      throw new SyncError('scope_denied', `This credential gave up its access to the room ${roomId} over MCP (sync_revoke_access).`, { room: roomId });
    }
    const grant = await state.grantOf(p.key, roomId);
    let caller: Caller;
    try {
      caller = await p.callerFor(roomId);
    } catch (error) {
      if (!grant) throw error;
      caller = ANONYMOUS;
    }
    if (grant?.kind === 'admin' && caller.kind !== 'admin') caller = { kind: 'admin', agentId: null };
    if (grant?.kind === 'agent' && (caller.kind === 'anonymous' || caller.kind === 'viewer')) caller = { kind: 'agent', agentId: grant.agentId };
    if (restriction?.level === 'observe') {
      return { caller: caller.kind === 'anonymous' ? caller : { kind: 'viewer', agentId: null }, access: 'observer' };
    }
    const access: Access = caller.kind === 'anonymous' ? 'local' : caller.kind;
    return { caller, access };
  }

  /** The caller acting as the embodied agent (mutating tools), re-checked on every call. */
  private async embodied(p: McpPrincipal, sid: string, roomId: string): Promise<Caller> {
    const { caller, access } = await this.base(p, roomId);
    if (access === 'observer' || access === 'viewer') throw new SyncError('read_only_token', `This session can read the room ${roomId} but not change it.`);
    const agentId = await this.deps.state.current(sid, roomId);
    if (agentId === undefined) {
      throw new SyncError('not_embodied', `This session is not embodied in the room ${roomId}.`, { room: roomId, hint: 'Call sync_embody first.' });
    }
    const as = await this.asAgent(roomId, agentId, caller, sid);
    const restriction = await this.deps.state.restrictionOf(p.key, roomId);
    if (restriction?.level === 'role' && (await this.deps.services.registry.get(roomId)).agents.get(agentId)?.role !== restriction.role) {
      await this.deps.state.release(sid, roomId);
      throw new SyncError('scope_denied', `This credential may only act as agents of the role ${quote(restriction.role)} in the room ${roomId}.`, { room: roomId, role: restriction.role });
    }
    return as;
  }

  private async asAgent(roomId: string, agentId: string, base: Caller, sid: string): Promise<Caller> {
    if (base.kind === 'agent' && base.agentId !== agentId) {
      throw new SyncError('identity_mismatch', `This credential acts as ${base.agentId}, not ${agentId}.`, { authenticated_as: base.agentId, claimed: agentId });
    }
    const agent = (await this.deps.services.registry.get(roomId)).agents.get(agentId);
    if (!agent) {
      await this.deps.state.release(sid, roomId);
      throw new SyncError('not_embodied', `The agent ${agentId} no longer exists in the room ${roomId}.`, { room: roomId, hint: 'Call sync_embody again.' });
    }
    return { kind: agent.grants.includes('*') ? 'admin' : 'agent', agentId };
  }

  /** Reads: as the embodied agent when there is one, else as the credential. */
  private async reader(p: McpPrincipal, sid: string, roomId: string): Promise<Caller> {
    const { caller, access } = await this.base(p, roomId);
    const agentId = await this.deps.state.current(sid, roomId);
    if (agentId === undefined || access === 'observer' || access === 'viewer') return caller;
    return this.asAgent(roomId, agentId, caller, sid);
  }

  /** Read the room as the session would (resources/read). */
  readerFor(p: McpPrincipal, sid: string, roomId: string): Promise<Caller> {
    return this.reader(p, sid, roomId);
  }

  private async session(p: McpPrincipal, sid: string, roomId: string): Promise<JsonObject> {
    const { access } = await this.base(p, roomId);
    const agent = (await this.deps.state.current(sid, roomId)) ?? null;
    const room = await this.deps.services.registry.get(roomId);
    const holders = await this.deps.state.holders(roomId);
    const switchable = access === 'observer' || access === 'viewer' ? [] : [...room.agents.keys()].filter((id) => id !== agent && (holders.get(id)?.principal ?? p.key) === p.key);
    return { agent, room: roomId, access, switchable: switchable.slice(0, 200) };
  }

  private invoke(roomId: string, action: string, params: JsonObject, caller: Caller): Promise<unknown> {
    return this.deps.services.writes.invoke(roomId, action, { params }, caller).then((o) => o.result);
  }

  /** Rooms the session reaches: the credential's, plus MCP grants, minus revoked ones. */
  async rooms(p: McpPrincipal): Promise<string[] | null> {
    const own = await p.rooms();
    if (own === null) return null;
    const ids = [...new Set([...own, ...(await this.deps.state.grantedRooms(p.key))])];
    const out: string[] = [];
    for (const id of ids) if ((await this.deps.state.restrictionOf(p.key, id))?.level !== 'revoked') out.push(id);
    return out;
  }

  readonly handlers: Record<string, Handler> = {
    sync_lobby: async (_args, { principal: p, session: sid }) => {
      const ids = await this.rooms(p);
      const page = await this.deps.services.rooms.list(ids, { limit: 50 });
      const rooms = [];
      for (const info of page.rooms) {
        if ((await this.deps.state.restrictionOf(p.key, info.id))?.level === 'revoked') continue;
        let access: Access;
        try {
          access = (await this.base(p, info.id)).access;
        } catch {
          continue;
        }
        const embodied = (await this.deps.state.current(sid, info.id)) ?? null;
        const room = await this.deps.services.registry.get(info.id);
        const holders = await this.deps.state.holders(info.id);
        const agents = [...room.agents.values()].slice(0, 100).map((a) => {
          const driver = holders.get(a.id);
          return { id: a.id, name: a.name, role: a.role, status: a.status, embodied_by_you: driver?.session === sid, in_use: driver !== undefined && driver.principal !== p.key };
        });
        rooms.push({ id: info.id, meta: info.meta, access, embodied_as: embodied, agents });
      }
      return { rooms, can_create_rooms: p.mayCreateRooms, active_embodiments: this.deps.state.embodiments(sid), auth: p.description };
    },

    sync_embody: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      const based = await this.base(p, roomId);
      const restriction = await this.deps.state.restrictionOf(p.key, roomId);
      const agentId = str(args.agent) ?? str(args.role) ?? (based.caller.kind === 'agent' ? based.caller.agentId! : defaultAgentId(p.key));
      // A user's write-level token embodies through the join rule (D20): a new agent, or one its user drives.
      const caller = p.user && based.access === 'viewer' ? await p.user.joinCaller(roomId, agentId) : based.caller;
      if (based.access === 'observer' || (based.access === 'viewer' && !caller.joins && caller.kind !== 'agent')) {
        throw new SyncError('read_only_token', `This session can read the room ${roomId} but cannot embody agents in it.`);
      }
      if (caller.kind === 'agent' && agentId !== caller.agentId) {
        throw new SyncError('identity_mismatch', `This credential acts as ${caller.agentId}, not ${agentId}.`, { authenticated_as: caller.agentId, claimed: agentId });
      }
      const room = await this.deps.services.registry.get(roomId);
      const existing = room.agents.get(agentId);
      if (restriction?.level === 'role') {
        const role = existing?.role ?? str(args.role);
        if (role !== restriction.role) {
          throw new SyncError('scope_denied', `This credential may only embody agents of the role ${quote(restriction.role)} in the room ${roomId}.`, { room: roomId, role: restriction.role });
        }
      }
      // An existing agent is embodied with the room's admin rights or its own credential (as over HTTP).
      const grant = await this.deps.state.grantOf(p.key, roomId);
      if (existing && caller.kind !== 'admin' && caller.agentId !== agentId && !(grant?.kind === 'agent' && grant.agentId === agentId)) {
        throw new SyncError('agent_exists', `The agent ${agentId} already exists; embodying it needs the room token or its own token.`, { agent: agentId });
      }
      // Claim first (synchronously, so two sessions cannot both win), then create the agent if needed.
      const previous = await this.deps.state.current(sid, roomId);
      if (!(await this.deps.state.embody(p.key, sid, roomId, agentId))) {
        throw new SyncError('agent_in_use', `The agent ${agentId} is embodied by another MCP session.`, { room: roomId, agent: agentId, hint: 'Embody another agent, or wait until it is released.' });
      }
      if (!existing) {
        try {
          const body: JsonObject = { id: agentId };
          if (args.name !== undefined) body.name = args.name as string;
          if (args.role !== undefined) body.role = args.role as string;
          if (args.state !== undefined) body.state = args.state as JsonObject;
          await this.deps.services.writes.join(roomId, body, caller);
          if (caller.kind === 'anonymous') await this.deps.state.grant(p.key, roomId, { kind: 'agent', agentId });
        } catch (error) {
          await this.deps.state.release(sid, roomId);
          if (previous !== undefined) await this.deps.state.embody(p.key, sid, roomId, previous);
          throw error;
        }
      }
      if (p.user && caller.kind !== 'admin') await p.user.joined(roomId, agentId);
      const as = await this.asAgent(roomId, agentId, caller, sid);
      const context = await this.deps.services.reads.context(roomId, { depth: 'lean' }, as);
      return { context, _session: await this.session(p, sid, roomId) };
    },

    sync_disembody: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      await this.base(p, roomId);
      const agentId = await this.deps.state.release(sid, roomId);
      if (agentId === undefined) throw new SyncError('not_embodied', `This session is not embodied in the room ${roomId}.`, { room: roomId });
      return { ok: true, disembodied: agentId, room: roomId };
    },

    sync_restrict_scope: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      await this.base(p, roomId);
      const level = args.level as 'observe' | 'role';
      if (level === 'role' && !str(args.role)) throw new SyncError('invalid_body', 'The role parameter is required when level is "role".', { field: 'role' });
      const applied = await this.deps.state.restrict(p.key, roomId, level === 'observe' ? { level } : { level, role: args.role as string });
      const embodied = await this.deps.state.current(sid, roomId);
      if (embodied !== undefined) {
        const role = (await this.deps.services.registry.get(roomId)).agents.get(embodied)?.role;
        if (applied.level !== 'role' || role !== applied.role) await this.deps.state.releaseAll(p.key, roomId);
      }
      return { ok: true, room: roomId, level: applied.level === 'revoked' ? 'observe' : applied.level, role: applied.level === 'role' ? applied.role : null };
    },

    sync_revoke_access: async (args, { principal: p }) => {
      const roomId = args.room as string;
      await this.base(p, roomId);
      await this.deps.state.releaseAll(p.key, roomId);
      await this.deps.state.restrict(p.key, roomId, { level: 'revoked' });
      return { ok: true, revoked: roomId };
    },

    sync_create_room: async (args, { principal: p }) => {
      if (p.user) {
        // A user's token: the user owns the room and the token reaches it, as over HTTP (§3.6).
        const created = await this.deps.services.rooms.create(args as JsonObject, await p.user.creator());
        await p.user.created(created.id);
        return created;
      }
      if (!p.mayCreateRooms) throw new SyncError('scope_denied', 'This credential cannot create rooms.');
      const created = await this.deps.services.rooms.create(args as JsonObject, ANONYMOUS);
      await this.deps.state.grant(p.key, created.id, { kind: 'admin' });
      return created;
    },

    sync_list_rooms: async (_args, { principal: p }) => {
      const ids = await this.rooms(p);
      const page = await this.deps.services.rooms.list(ids, { limit: 100 });
      return { rooms: page.rooms };
    },

    sync_join_room: async (args, { principal: p }) => {
      const { room: roomId, ...body } = args;
      const based = await this.base(p, roomId as string);
      if (based.access === 'observer') throw new SyncError('read_only_token', `This session can read the room ${String(roomId)} but not join it.`);
      if (p.user) {
        // D20: the token joins through the join rule and then acts as the agent it joined.
        const joined = await this.deps.services.writes.join(roomId as string, body as JsonObject, await p.user.joinCaller(roomId as string, str(body.id) ?? null));
        await p.user.joined(roomId as string, joined.id);
        return joined;
      }
      const { caller } = based;
      const joined = await this.deps.services.writes.join(roomId as string, body as JsonObject, caller);
      if (caller.kind === 'anonymous' || caller.kind === 'viewer') await this.deps.state.grant(p.key, roomId as string, { kind: 'agent', agentId: joined.id });
      return joined;
    },

    sync_read_context: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      const context = await this.deps.services.reads.context(roomId, contextInputOf(args), await this.reader(p, sid, roomId));
      return { context, _session: await this.session(p, sid, roomId) };
    },

    sync_invoke_action: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      return this.invoke(roomId, args.action as string, (args.params as JsonObject | undefined) ?? {}, await this.embodied(p, sid, roomId));
    },

    sync_wait: async (args, { principal: p, session: sid, signal, progress }) => {
      const roomId = args.room as string;
      const caller = await this.reader(p, sid, roomId);
      const condition = args.condition as string;
      const timeoutMs = args.timeout as number | undefined;
      const started = Date.now();
      let step = 0;
      await progress(0, timeoutMs, `waiting for ${condition.slice(0, 200)}`);
      const ticker = setInterval(() => {
        step += 1;
        void progress(step, timeoutMs === undefined ? undefined : Math.max(step, Math.ceil(timeoutMs / this.deps.progressIntervalMs)), `still waiting (${Math.round((Date.now() - started) / 1000)} s)`).catch(() => undefined);
      }, this.deps.progressIntervalMs);
      ticker.unref();
      try {
        const include = args.include === undefined || args.include === 'context' ? undefined : list(args.include);
        const result = await this.deps.services.waits.wait(roomId, { condition, timeoutMs, include, context: contextInputOf({ ...args, include: undefined }) }, caller, signal);
        if (result === null) throw new SyncError('service_unavailable', 'The wait was cancelled.');
        return result;
      } finally {
        clearInterval(ticker);
      }
    },

    sync_register_action: async (args, { principal: p, session: sid }) => {
      const { room: roomId, ...params } = args;
      return this.invoke(roomId as string, '_register_action', params as JsonObject, await this.embodied(p, sid, roomId as string));
    },

    sync_register_view: async (args, { principal: p, session: sid }) => {
      const { room: roomId, ...params } = args;
      return this.invoke(roomId as string, '_register_view', params as JsonObject, await this.embodied(p, sid, roomId as string));
    },

    sync_send_message: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      const params: JsonObject = { body: args.body as string };
      if (args.kind !== undefined) params.kind = args.kind as string;
      if (args.to !== undefined) params.to = typeof args.to === 'string' ? [args.to] : (args.to as string[]);
      return this.invoke(roomId, '_send_message', params, await this.embodied(p, sid, roomId));
    },

    sync_help: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      const caller = await this.reader(p, sid, roomId);
      if (caller.kind === 'viewer') throw new SyncError('read_only_token', 'Help is an action: a read-only session cannot invoke it; read the room context instead.');
      return this.invoke(roomId, 'help', args.key === undefined ? {} : { key: args.key as string }, caller);
    },

    sync_eval_cel: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      return this.deps.services.reads.evaluate(roomId, { expr: args.expr as string }, await this.reader(p, sid, roomId));
    },

    sync_delete_action: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      return this.invoke(roomId, '_delete_action', { id: args.id as string }, await this.embodied(p, sid, roomId));
    },

    sync_delete_view: async (args, { principal: p, session: sid }) => {
      const roomId = args.room as string;
      return this.invoke(roomId, '_delete_view', { id: args.id as string }, await this.embodied(p, sid, roomId));
    },
  };
}
