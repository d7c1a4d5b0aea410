// The inputs and outputs of the 18 sync tools on /mcp (seed 000, sync-auth-mcp-ui §7.4), built
// from the HTTP wire schemas: a tool takes what its route takes, with JSON booleans and numbers
// where a query string has text, and answers with the route's response schema. Pure data.
import { z } from 'zod';
import { AgentInfo, JoinBody, JoinedAgent } from './agents.js';
import { Id, JsonObject, JsonValue } from './common.js';
import { InvokeResult, RegistrationResult } from './invoke.js';
import { WaitResult } from './live.js';
import { Context, ContextQuery, EvalResult } from './reads.js';
import { CreateRoomBody, CreatedRoom, RoomList } from './rooms.js';

const room = Id.describe('the room id');
const count = z.number().int().min(0).max(1e15);

/** ContextQuery with typed values instead of query-string text. */
export const McpContextInput = ContextQuery.extend({
  actions: z.boolean().optional(),
  messages: z.boolean().optional(),
  messages_after: count.optional(),
  messages_before: count.optional(),
  messages_limit: count.optional(),
  messages_full: z.boolean().optional(),
  compact: z.boolean().optional(),
});

export const McpSession = z.strictObject({
  agent: Id.nullable().describe('the agent this MCP session is embodied as in the room'),
  room: Id,
  access: z.enum(['admin', 'agent', 'viewer', 'observer', 'local']),
  switchable: z.array(Id).describe('agents this session could embody'),
});

export const LobbyRoom = z.strictObject({
  id: Id,
  meta: JsonObject,
  access: z.enum(['admin', 'agent', 'viewer', 'observer', 'local']),
  embodied_as: Id.nullable(),
  agents: z.array(z.strictObject({ id: Id, name: z.string(), role: z.string(), status: z.string(), embodied_by_you: z.boolean(), in_use: z.boolean() })),
});

export const Lobby = z.strictObject({
  rooms: z.array(LobbyRoom),
  can_create_rooms: z.boolean(),
  active_embodiments: z.array(z.strictObject({ room: Id, agent: Id })),
  auth: z.string().describe('how this session authenticated'),
});

export const Embodied = z.looseObject({ context: Context, _session: McpSession });
export const Disembodied = z.strictObject({ ok: z.literal(true), disembodied: Id, room: Id });
export const ScopeRestricted = z.strictObject({ ok: z.literal(true), room: Id, level: z.enum(['observe', 'role']), role: z.string().nullable() });
export const AccessRevoked = z.strictObject({ ok: z.literal(true), revoked: Id });
export const HelpAnswer = z.looseObject({}).describe('the help document, or the key index');
export const DeletedOk = z.looseObject({ deleted: z.literal(true), id: z.string() });

const textList = z.union([z.string(), z.array(z.string())]);

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output: z.ZodType;
  /** (readOnlyHint, destructiveHint, idempotentHint, openWorldHint) */
  hints: readonly [boolean, boolean, boolean, boolean];
}

const T = true;
const F = false;

/** The 18 tools in the order of §7.4. */
export const SYNC_TOOLS: readonly ToolSpec[] = [
  { name: 'sync_lobby', title: 'Lobby', description: 'Overview of the rooms this session can reach, their agents and your embodiments. Start here.', input: z.strictObject({}), output: Lobby, hints: [T, F, T, F] },
  {
    name: 'sync_embody',
    title: 'Embody Agent',
    description: 'Commit this MCP session to an agent in a room (created when new). Mutating tools act as it. An agent another session embodies cannot be taken.',
    input: z.strictObject({ room, agent: Id.optional().describe('an existing or new agent id (default: one derived from this session)'), role: z.string().max(64).optional(), name: z.string().max(200).optional(), state: JsonObject.optional().describe('initial private state of a new agent') }),
    output: Embodied,
    hints: [F, F, F, F],
  },
  { name: 'sync_disembody', title: 'Disembody', description: 'Release the agent this session embodies in the room.', input: z.strictObject({ room }), output: Disembodied, hints: [F, F, T, F] },
  {
    name: 'sync_restrict_scope',
    title: 'Restrict Scope',
    description: 'Narrow this credential\'s access to a room for every MCP session using it: "observe" makes it read-only (and releases any embodiment); "role" allows embodying only agents of that role. Narrowing never widens.',
    input: z.strictObject({ room, level: z.enum(['observe', 'role']), role: z.string().max(64).optional() }),
    output: ScopeRestricted,
    hints: [F, F, T, F],
  },
  { name: 'sync_revoke_access', title: 'Revoke Room Access', description: 'Give up all access to the room for this credential on MCP (releases any embodiment). Cannot be undone over MCP.', input: z.strictObject({ room }), output: AccessRevoked, hints: [F, T, T, F] },
  { name: 'sync_create_room', title: 'Create Room', description: 'Create a room; this session becomes its admin. Returns its admin and view tokens.', input: CreateRoomBody, output: CreatedRoom, hints: [F, F, F, F] },
  { name: 'sync_list_rooms', title: 'List Rooms', description: 'Rooms this session can reach, newest first.', input: z.strictObject({}), output: z.strictObject({ rooms: RoomList }), hints: [T, F, T, F] },
  { name: 'sync_join_room', title: 'Join Room', description: 'Low-level join (POST /rooms/{room}/agents): add an agent and get its as_ token. Prefer sync_embody.', input: JoinBody.extend({ room }), output: JoinedAgent, hints: [F, F, F, F] },
  { name: 'sync_read_context', title: 'Read Context', description: 'Read the room as this session sees it (state, views, agents, actions, messages).', input: McpContextInput.extend({ room }), output: z.looseObject({ context: Context, _session: McpSession }), hints: [T, F, T, F] },
  { name: 'sync_invoke_action', title: 'Invoke Action', description: 'Invoke an action as the embodied agent.', input: z.strictObject({ room, action: z.string().min(1).max(200), params: JsonObject.optional() }), output: z.union([InvokeResult, RegistrationResult]), hints: [F, F, F, T] },
  {
    name: 'sync_wait',
    title: 'Wait for Condition',
    description: 'Block until a CEL condition holds in the room (or the timeout passes); sends progress notifications while waiting and stops when cancelled.',
    input: McpContextInput.extend({ room, condition: z.string().min(1).max(4096), timeout: count.optional().describe('milliseconds (capped by the server maximum)'), include: z.string().optional() }),
    output: WaitResult,
    hints: [T, F, T, T],
  },
  {
    name: 'sync_register_action',
    title: 'Register Action',
    description: 'Register (or redefine) an action as the embodied agent.',
    input: z.looseObject({ room, id: z.string().min(1).max(200), description: z.string().optional(), writes: z.array(JsonObject).optional(), params: JsonObject.optional(), scope: z.string().optional(), if: z.string().optional(), enabled: z.string().optional(), result: JsonValue.optional(), on_invoke: JsonObject.optional() }),
    output: RegistrationResult,
    hints: [F, F, T, F],
  },
  {
    name: 'sync_register_view',
    title: 'Register View',
    description: 'Register (or redefine) a view as the embodied agent.',
    input: z.looseObject({ room, id: z.string().min(1).max(200), expr: z.string().min(1), description: z.string().optional(), scope: z.string().optional(), enabled: z.string().optional(), render: JsonObject.optional() }),
    output: RegistrationResult,
    hints: [F, F, T, F],
  },
  { name: 'sync_send_message', title: 'Send Message', description: 'Send a message to the room as the embodied agent.', input: z.strictObject({ room, body: z.string(), kind: z.string().optional(), to: textList.optional() }), output: InvokeResult, hints: [F, F, F, F] },
  { name: 'sync_help', title: 'Get Help', description: 'Read the help system: without key, the key index.', input: z.strictObject({ room, key: z.string().optional() }), output: HelpAnswer, hints: [T, F, T, F] },
  { name: 'sync_eval_cel', title: 'Evaluate CEL', description: 'Evaluate a CEL expression against what this session may read.', input: z.strictObject({ room, expr: z.string().min(1) }), output: EvalResult, hints: [T, F, T, F] },
  { name: 'sync_delete_action', title: 'Delete Action', description: 'Delete an action as the embodied agent.', input: z.strictObject({ room, id: z.string().min(1).max(200) }), output: InvokeResult, hints: [F, T, T, F] },
  { name: 'sync_delete_view', title: 'Delete View', description: 'Delete a view as the embodied agent.', input: z.strictObject({ room, id: z.string().min(1).max(200) }), output: InvokeResult, hints: [F, T, T, F] },
];

export { AgentInfo };

/** A JSON-RPC 2.0 message on /mcp (the MCP SDK validates the rest). */
export const JsonRpcMessage = z.looseObject({ jsonrpc: z.literal('2.0') }).meta({ id: 'JsonRpcMessage' });
export const JsonRpcBody = z.union([JsonRpcMessage, z.array(JsonRpcMessage)]).meta({ id: 'JsonRpcBody' });
