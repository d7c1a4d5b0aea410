// The client commands of the CLI, each a thin shell over one SDK call: rooms, create, join,
// context, invoke, wait, tail and eval.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { AgentSyncClient, FeedEvent } from '../client/index.js';
import { connect } from './connect.js';
import { pretty, show } from './output.js';

/** Exit status of `wait` when the timeout passed before the condition held. */
export const WAIT_TIMED_OUT = 2;

function jsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError('not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('must be a JSON object.');
  return value as Record<string, unknown>;
}

function positiveInt(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidArgumentError('must be a whole number.');
  return Number(raw);
}

export function addClientCommands(program: Command): void {
  program
    .command('rooms')
    .description('list the rooms your token belongs to (every room on a local server)')
    .action(async (_o, cmd: Command) => {
      const { client, out } = await connect(cmd);
      show(out, await client.listRooms(), (rooms) => (rooms.length ? rooms.map((r) => `${r.id}\t${r.created_at}${typeof r.meta.label === 'string' ? `\t${r.meta.label}` : ''}`).join('\n') : '(no rooms)'));
    });

  program
    .command('create')
    .description('create a room; prints its admin token and view token')
    .argument('<room>', 'room id')
    .option('--label <text>', 'a human label for the room')
    .option('--meta <json>', 'room meta as a JSON object, e.g. {"open_join": true}', jsonObject)
    .action(async (room: string, o: { label?: string; meta?: Record<string, unknown> }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      const created = await client.createRoom({ id: room, ...(o.label ? { label: o.label } : {}), ...(o.meta ? { meta: o.meta as never } : {}) });
      show(out, created, (r) => `room ${r.id} created\ntoken: ${r.token}\nview_token: ${r.view_token}`);
    });

  program
    .command('join')
    .description('join a room as an agent; prints the agent token')
    .argument('<room>', 'room id')
    .argument('<agent>', 'agent id')
    .option('--name <name>', 'display name')
    .option('--role <role>', 'role label')
    .action(async (room: string, agent: string, o: { name?: string; role?: string }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      const joined = await client.join(room, { id: agent, ...(o.name ? { name: o.name } : {}), ...(o.role ? { role: o.role } : {}) });
      show(out, joined, (a) => a.token);
    });

  program
    .command('context')
    .description("read the room's context: state, views, agents, actions, messages")
    .argument('<room>', 'room id')
    .option('--only <sections>', 'comma list: state, views, agents, actions, messages, state.<scope>')
    .addOption(new Option('--depth <depth>', 'how much of each action to show').choices(['lean', 'full', 'usage']))
    .action(async (room: string, o: { only?: string; depth?: 'lean' | 'full' | 'usage' }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      show(out, await client.context(room, { only: o.only, depth: o.depth }), pretty);
    });

  program
    .command('invoke')
    .description('invoke an action (built-in or declared)')
    .argument('<room>', 'room id')
    .argument('<action>', 'action id, e.g. _send_message or help')
    .option('--params <json>', 'the action parameters as a JSON object', jsonObject, {})
    .option('--agent <agent>', 'admins only: act as this agent')
    .action(async (room: string, action: string, o: { params: Record<string, unknown>; agent?: string }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      show(out, await client.invoke(room, action, o.params, { agent: o.agent }), pretty);
    });

  program
    .command('wait')
    .description(`block until a CEL condition holds; exit status ${WAIT_TIMED_OUT} if the timeout passes first`)
    .argument('<room>', 'room id')
    .argument('<condition>', 'CEL condition, e.g. \'state._shared.turn == "alice"\'')
    .option('--timeout <ms>', 'milliseconds to wait (the server caps it, 25 s by default)', positiveInt)
    .action(async (room: string, condition: string, o: { timeout?: number }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      const result = await client.wait(room, condition, { timeout: o.timeout, include: 'agents' });
      show(out, result, (r) => (r.triggered ? `triggered: ${r.condition}` : `timed out after ${String(r.elapsed_ms ?? '?')} ms: ${r.condition}`));
      if (!result.triggered) process.exitCode = WAIT_TIMED_OUT;
    });

  program
    .command('tail')
    .description("follow the room's changes, one line each, until interrupted (resumes across restarts)")
    .argument('<room>', 'room id')
    .option('--after <seq>', 'start after this sequence number (default: only new changes)', positiveInt)
    .option('--all', 'print the whole history first')
    .action(async (room: string, o: { after?: number; all?: boolean }, cmd: Command) => {
      const { client, out } = await connect(cmd);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const after = o.after ?? (o.all ? 0 : await latestSeq(client, room));
      for await (const event of client.events(room, { after, signal: stop.signal, onReconnect: (e, n) => n === 1 && out.error(`agent-sync: reconnecting (${e instanceof Error ? e.message : String(e)})`) })) {
        show(out, event, eventLine);
      }
    });

  program
    .command('eval')
    .description('evaluate a CEL expression against what your token may read')
    .argument('<room>', 'room id')
    .argument('<expr>', 'CEL expression')
    .action(async (room: string, expr: string, _o, cmd: Command) => {
      const { client, out } = await connect(cmd);
      show(out, await client.eval(room, expr), (r) => JSON.stringify(r.value));
    });
}

// The newest sequence number, so that `tail` shows what happens from now on.
async function latestSeq(client: AgentSyncClient, room: string): Promise<number> {
  const poll = await client.poll(room, { limit: 1 });
  const newest = poll.audit[0]?.seq;
  return typeof newest === 'number' ? newest : 0;
}

/** `#12 invoke alice submit_result _shared.alice.result="42"` */
export function eventLine(event: FeedEvent): string {
  const d = event.data;
  const who = typeof d.agent === 'string' ? ` ${d.agent}` : '';
  const what = typeof d.action === 'string' ? ` ${d.action}` : '';
  const writes = Array.isArray(d.writes) ? d.writes.map((w) => writeText(w)).join(' ') : '';
  return `#${event.seq} ${event.kind}${who}${what}${writes ? ` ${writes}` : ''}`;
}

function writeText(w: unknown): string {
  if (typeof w !== 'object' || w === null) return '';
  const { scope, key, value, deleted } = w as { scope?: string; key?: string; value?: unknown; deleted?: boolean };
  const target = `${scope ?? '?'}.${key ?? '?'}`;
  if (deleted) return `${target} deleted`;
  return value === undefined ? target : `${target}=${JSON.stringify(value)}`;
}
