// /mcp end to end against a real server process, with the official SDK Client over Streamable
// HTTP and legacy bearer tokens: the seed 000 flow, the transport rules (notifications 202, GET,
// version negotiation, sessions bound to their credential), progress and room resources.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { connectMcp, INIT, rawMcp, type McpTestClient } from '../support/mcp.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ROOT = resolve(import.meta.dirname, '../..');

let server: ServerProcess;
let http: TestClient;
let lobbyRoom: { id: string; token: string; view_token: string };
const clients: McpTestClient[] = [];

async function mcp(token?: string): Promise<McpTestClient> {
  const c = await connectMcp(server.url, token);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer();
  http = new TestClient(server.url);
  lobbyRoom = (await http.post('/rooms', { id: 'mcp-home' })).body;
}, 30_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await server?.stop();
});

describe('MCP end to end (SDK client, bearer token)', () => {
  it('lobby → create room → embody → register an action → invoke → a wait another client wakes → read context', async () => {
    const a = await mcp(lobbyRoom.token);
    const lobby = await a.call('sync_lobby');
    expect(lobby.isError).toBe(false);
    expect(lobby.body.rooms.map((r: { id: string }) => r.id)).toContain('mcp-home');
    expect(lobby.body.rooms.find((r: { id: string }) => r.id === 'mcp-home').access).toBe('admin');

    const created = await a.call('sync_create_room', { id: 'mcp-flow', label: 'Flow' });
    expect(created.body).toMatchObject({ id: 'mcp-flow', meta: { label: 'Flow' } });
    expect(created.body.token).toMatch(/^room_/);

    const embodied = await a.call('sync_embody', { room: 'mcp-flow', agent: 'alice', name: 'Alice' });
    expect(embodied.isError, embodied.text).toBe(false);
    expect(embodied.body._session).toMatchObject({ agent: 'alice', room: 'mcp-flow', access: 'admin' });
    expect(embodied.body.context.self).toBe('alice');

    const registered = await a.call('sync_register_action', {
      room: 'mcp-flow',
      id: 'submit',
      description: 'Submit a result keyed to your identity',
      params: { result: { type: 'any' } },
      writes: [{ scope: '_shared', key: '${self}.result', value: '${params.result}' }],
    });
    expect(registered.isError, registered.text).toBe(false);
    expect(registered.body).toMatchObject({ id: 'submit', registered_by: 'alice' });

    const invoked = await a.call('sync_invoke_action', { room: 'mcp-flow', action: 'submit', params: { result: '42' } });
    expect(invoked.body).toMatchObject({ invoked: true, agent: 'alice', writes: [{ scope: '_shared', key: 'alice.result', value: '42' }] });

    // A second MCP session (same credential) embodies bob; A waits for bob's result, with progress.
    const b = await mcp(lobbyRoom.token);
    expect((await b.call('sync_embody', { room: 'mcp-flow', agent: 'bob' })).isError).toBe(false);
    const progress: unknown[] = [];
    let sawProgress!: () => void;
    const progressed = new Promise<void>((r) => (sawProgress = r));
    const waiting = a.call('sync_wait', { room: 'mcp-flow', condition: 'state._shared["bob.result"] == "7"', timeout: 25_000 }, {
      onprogress: (p) => {
        progress.push(p);
        sawProgress();
      },
      timeout: 60_000,
    });
    await progressed; // the wait is registered and reporting
    await b.call('sync_invoke_action', { room: 'mcp-flow', action: 'submit', params: { result: '7' } });
    const woke = await waiting;
    expect(woke.isError, woke.text).toBe(false);
    expect(woke.body).toMatchObject({ triggered: true });
    expect(progress.length).toBeGreaterThanOrEqual(1);

    const read = await a.call('sync_read_context', { room: 'mcp-flow' });
    expect(read.body.context.state._shared).toMatchObject({ 'alice.result': '42', 'bob.result': '7' });
    expect(read.body._session.agent).toBe('alice');
  });

  it('a subscription to sync://rooms/<id>/context is notified of an invoke made over HTTP', async () => {
    const created = (await http.post('/rooms', { id: 'mcp-watched' })).body;
    const joined = (await http.as(created.token).post('/rooms/mcp-watched/agents', { id: 'writer' })).body;
    const c = await mcp(created.view_token);
    const listed = await c.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(['sync://rooms/mcp-watched/context']);
    const updates: string[] = [];
    let updated!: () => void;
    const got = new Promise<void>((r) => (updated = r));
    c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
      updated();
    });
    await c.client.subscribeResource({ uri: 'sync://rooms/mcp-watched/context' });
    // The standalone GET stream carries the update; give the client a moment to have it open by making one more request.
    await c.client.ping();
    await http.as(joined.token).invoke('mcp-watched', '_send_message', { body: 'hello' });
    await got;
    expect(updates[0]).toBe('sync://rooms/mcp-watched/context');
    const read = await c.client.readResource({ uri: 'sync://rooms/mcp-watched/context' });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body._session.access).toBe('viewer');
    expect(JSON.stringify(body.context.messages)).toContain('hello');
  });

  it('refuses resources the session cannot read and URIs it does not serve', async () => {
    const c = await mcp(lobbyRoom.view_token);
    await expect(c.client.readResource({ uri: 'sync://rooms/mcp-flow/context' })).rejects.toThrow(/invalid_token/);
    await expect(c.client.subscribeResource({ uri: 'sync://rooms/nope-room/context' })).rejects.toThrow(/room_not_found/);
    await expect(c.client.readResource({ uri: 'file:///etc/passwd' })).rejects.toThrow(/Unknown resource/);
    await expect(c.client.subscribeResource({ uri: 'sync://rooms/__proto__/context' })).rejects.toThrow();
  });
});

describe('MCP transport', () => {
  it('negotiates the protocol version: current and previous revisions echoed, unknown ones answered with the latest', async () => {
    for (const version of ['2025-06-18', '2025-03-26', '2024-11-05']) {
      const res = await rawMcp(server.url, INIT(version), { authorization: `Bearer ${lobbyRoom.token}`, accept: 'application/json, text/event-stream' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`"protocolVersion":"${version}"`);
    }
    const res = await rawMcp(server.url, INIT('1999-01-01'), { authorization: `Bearer ${lobbyRoom.token}` });
    const text = await res.text();
    expect(text).not.toContain('1999-01-01');
    expect(text).toMatch(/"protocolVersion":"20\d\d-\d\d-\d\d"/);
  });

  it('answers notifications 202 with no body, GET with a session as an SSE stream, GET without one 400, and DELETE ends the session', async () => {
    const auth = { authorization: `Bearer ${lobbyRoom.token}` };
    const init = await rawMcp(server.url, INIT(), auth);
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const headers = { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const note = await rawMcp(server.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');

    const controller = new AbortController();
    const stream = await fetch(new URL('/mcp', server.url), { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();

    const bare = await fetch(new URL('/mcp', server.url), { headers: { ...auth, accept: 'text/event-stream' } });
    expect(bare.status).toBe(400);
    await bare.text();

    const ended = await fetch(new URL('/mcp', server.url), { method: 'DELETE', headers });
    expect(ended.status).toBe(200);
    const after = await rawMcp(server.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, headers);
    expect(after.status).toBe(404);
    await after.text();
  });

  it('refuses a POST from a page on another origin (403 origin_not_allowed) before any MCP processing', async () => {
    const res = await rawMcp(server.url, INIT(), { authorization: `Bearer ${lobbyRoom.token}`, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(await res.json()).toMatchObject({ error: 'origin_not_allowed' });
  });

  it('binds a session to its credential: another bearer cannot use it', async () => {
    const init = await rawMcp(server.url, INIT(), { authorization: `Bearer ${lobbyRoom.token}` });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    const stolen = await rawMcp(server.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${lobbyRoom.view_token}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' });
    expect(stolen.status).toBe(404);
    expect(await stolen.text()).not.toContain('sync_lobby');
  });

  it('refuses an unknown bearer with 401 invalid_token and a WWW-Authenticate challenge; unparseable JSON is a JSON-RPC parse error', async () => {
    const res = await rawMcp(server.url, INIT(), { authorization: 'Bearer room_not-a-real-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp", error="invalid_token", error_description="[^"]+", scope="rooms:\* create_rooms"$/);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    const bad = await fetch(new URL('/mcp', server.url), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${lobbyRoom.token}` }, body: '{"jsonrpc":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: -32700 } });
  });
});

describe('second clients nobody here wrote', () => {
  it('the MCP Inspector CLI lists the tools and calls sync_read_context with a bearer token', async () => {
    // Run from its build directory: the CLI finds its own package.json relative to the working directory.
    const dir = resolve(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build');
    const cli = resolve(dir, 'index.js');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(process.execPath, [cli, `${server.url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${lobbyRoom.token}`, ...args], { cwd: dir, env: { ...process.env, NO_UPDATE_NOTIFIER: '1' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => done({ code, out, err }));
      });
    const tools = await run(['--method', 'tools/list']);
    expect(tools.code, tools.err).toBe(0);
    expect(tools.err).toBe(''); // no schema warnings either
    const names = (JSON.parse(tools.out) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toHaveLength(28); // the 18 sync tools and the 10 beach tools
    expect(names).toContain('sync_read_context');
    const read = await run(['--method', 'tools/call', '--tool-name', 'sync_read_context', '--tool-arg', 'room=mcp-home']);
    expect(read.code, read.err).toBe(0);
    const result = JSON.parse(read.out) as { structuredContent: { _session: { room: string; access: string } } };
    expect(result.structuredContent._session).toMatchObject({ room: 'mcp-home', access: 'admin' });
  }, 60_000);

  // The official conformance suite: the server scenarios that apply to this server (docs/mcp.md lists the others).
  const APPLICABLE = ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'resources-list', 'server-sse-multiple-streams', 'dns-rebinding-protection'];
  it.each(APPLICABLE)('conformance scenario %s passes', async (scenario) => {
    const bin = resolve(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
    const { code, out } = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, [bin, 'server', '--url', `${server.url.replace('127.0.0.1', 'localhost')}/mcp`, '--scenario', scenario], { env: { ...process.env, NO_UPDATE_NOTIFIER: '1' } });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (c) => done({ code: c, out: text }));
    });
    expect(out).toMatch(/0 failed/);
    expect(out).not.toMatch(/[1-9]\d* failed/);
    expect(code, out).toBe(0);
  }, 60_000);
});
