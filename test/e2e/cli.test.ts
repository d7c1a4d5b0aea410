// The agent-sync CLI as a user runs it: real processes against a real server, human and --json
// output, --help on every command, and one-line errors naming the D2 code.
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { useServer } from '../support/server-process.js';
import { itOnSqlite, STORE_FREE } from '../support/test-store.js';

const server = useServer();

const COMMANDS = ['serve', 'rooms', 'create', 'join', 'context', 'invoke', 'wait', 'tail', 'eval', 'login', 'logout'];

describe('agent-sync CLI', () => {
  itOnSqlite('prints --version and --help, and help for every command', STORE_FREE, async () => {
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const command of COMMANDS) {
      const own = await cli([command, '--help']);
      expect(own.code, command).toBe(0);
      expect(own.stdout, command).toMatch(/^Usage: /m);
    }
    // the retry after an elevation is documented where every client command shows it
    expect(help.stdout).toContain('--no-wait-for-approval');
    expect(help.stdout).toContain('--approval-timeout');
  }, 120_000);

  it('creates, joins, invokes, reads, evaluates and waits, in text and in JSON', async () => {
    const env = { AGENT_SYNC_URL: server().url };
    const created = await cli(['create', 'cli-room', '--label', 'CLI', '--json'], env);
    expect(created.code).toBe(0);
    const room = JSON.parse(created.stdout);
    expect(room).toMatchObject({ id: 'cli-room', meta: { label: 'CLI' } });

    const joined = await cli(['join', 'cli-room', 'alice'], env);
    expect(joined.code).toBe(0);
    const token = joined.stdout.trim();
    expect(token).toMatch(/^as_[0-9a-f]+$/);
    const as = { ...env, AGENT_SYNC_TOKEN: token };

    const registered = await cli(['invoke', 'cli-room', '_register_action', '--params', JSON.stringify({ id: 'note', params: { text: { type: 'string' } }, writes: [{ scope: '_shared', key: 'note', value: '${params.text}' }] })], as);
    expect(registered.code, registered.stderr).toBe(0);
    const invoked = await cli(['invoke', 'cli-room', 'note', '--params', '{"text":"hello"}', '--json'], as);
    expect(JSON.parse(invoked.stdout)).toMatchObject({ invoked: true, writes: [{ scope: '_shared', key: 'note', value: 'hello' }] });

    const context = await cli(['context', 'cli-room', '--only', 'state', '--json'], as);
    expect(JSON.parse(context.stdout).state._shared).toEqual({ note: 'hello' });
    const evaluated = await cli(['eval', 'cli-room', 'state._shared.note + "!"'], as);
    expect(evaluated.stdout.trim()).toBe('"hello!"');

    const held = await cli(['wait', 'cli-room', 'state._shared.note == "hello"'], as);
    expect(held.code).toBe(0);
    expect(held.stdout).toContain('triggered');
    const timedOut = await cli(['wait', 'cli-room', 'state._shared.note == "bye"', '--timeout', '100'], as);
    expect(timedOut.code).toBe(2);
    expect(timedOut.stdout).toContain('timed out');

    const rooms = await cli(['rooms'], env);
    expect(rooms.stdout).toMatch(/^cli-room\t\S+\tCLI$/m);
  }, 120_000);

  it('fails with one line naming the D2 code and a non-zero status, never a stack trace', async () => {
    const env = { AGENT_SYNC_URL: server().url };
    const unknownRoom = await cli(['context', 'no-such-room'], env);
    expect(unknownRoom.code).toBe(1);
    expect(unknownRoom.stderr).toMatch(/^agent-sync: room_not_found: .+\n$/);
    const badJson = await cli(['invoke', 'r', 'a', '--params', '{oops'], env);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain('not valid JSON');
    const offline = await cli(['rooms', '--url', 'http://127.0.0.1:9'], {});
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/^agent-sync: network_error: .+\n$/);
    for (const run of [unknownRoom, badJson, offline]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
