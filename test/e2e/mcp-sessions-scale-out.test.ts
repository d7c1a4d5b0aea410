// An MCP session outlives the process that made it (issue 11): two server processes on one
// PostgreSQL; a session initialized on A is served by B (tools, reads, its resource
// subscriptions), never for another credential, and a DELETE on either ends it on both.
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { connectMcp } from '../support/mcp.js';
import { closeAdmin, DATABASE_URL, freshSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

const available = await postgresForTests();
afterAll(closeAdmin);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('MCP sessions across server processes on one PostgreSQL', () => {
  let schema: TestSchema | null = null;
  const servers: ServerProcess[] = [];
  const start = async () => {
    const sep = DATABASE_URL.includes('?') ? '&' : '?';
    const server = await startServer({ env: { DATABASE_URL: `${DATABASE_URL}${sep}search_path=${schema!.name}` } });
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      removeDir(server.dataDir);
    }
    await schema?.drop();
    schema = null;
  });

  /** Two processes, room `r` with its admin token, and an MCP client whose requests go where `upstream` says (a switching proxy). */
  const setup = async () => {
    schema = await freshSchema();
    const [a, b] = [await start(), await start()];
    const admin = (await new TestClient(a.url).post('/rooms', { id: 'r' })).body.token as string;
    const route = { upstream: a.url };
    const proxy: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return fetch(new URL(url.pathname + url.search, route.upstream), init);
    };
    const mcp = await connectMcp(a.url, admin, '/mcp', proxy);
    return { a, b, admin, route, mcp, sessionId: mcp.transport.sessionId! };
  };

  const raw = (url: string, token: string, sessionId: string, method = 'POST') =>
    fetch(new URL('/mcp', url), {
      method,
      headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      ...(method === 'POST' ? { body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }) } : {}),
    });

  it('serves a session made on A from B: tools/list, sync_read_context, and a subscription made on A notifying on B once the GET stream reconnects there', async () => {
    const { a, b, admin, route, mcp } = await setup();
    try {
      let updates = 0;
      mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, () => void updates++);
      await mcp.client.subscribeResource({ uri: 'sync://rooms/r/context' });
      expect((await mcp.call('sync_embody', { room: 'r', agent: 'scout' })).isError).toBe(false);
      route.upstream = b.url;
      // The agent embodied on A is still this session's on B.
      const sent = await mcp.call('sync_send_message', { room: 'r', body: 'from the session, on B' });
      expect(sent.code).toBeNull();
      expect((await mcp.client.listTools()).tools.map((t) => t.name)).toContain('sync_read_context');
      const read = await mcp.call('sync_read_context', { room: 'r' });
      expect(read.isError).toBe(false);
      expect(JSON.stringify(read.body)).toContain('"r"');
      // A goes away: the client's GET stream breaks and reconnects, now to B.
      await a.stop();
      const onB = new TestClient(b.url, undefined, admin);
      const before = updates;
      for (let i = 0; updates === before; i++) {
        expect((await onB.invoke('r', '_send_message', { body: `m${i}` })).status).toBe(200);
        await sleep(200);
      }
      expect(updates).toBeGreaterThan(before);
      // A's shutdown did not end the session: its agent is still embodied.
      expect((await mcp.call('sync_send_message', { room: 'r', body: 'after A stopped' })).code).toBeNull();
    } finally {
      await mcp.close().catch(() => undefined);
    }
  });

  it('refuses the session id with another credential on B (404, no takeover), and a DELETE on B ends it on A', async () => {
    const { a, b, admin, mcp, sessionId } = await setup();
    try {
      const other = (await new TestClient(a.url).post('/rooms', { id: 'other' })).body.token as string;
      expect((await raw(b.url, other, sessionId)).status).toBe(404);
      expect((await raw(a.url, other, sessionId)).status).toBe(404);
      expect((await raw(b.url, admin, sessionId)).status).toBe(200); // B rebuilt it for its own credential
      expect((await raw(b.url, admin, sessionId, 'DELETE')).status).toBe(200);
      expect((await raw(a.url, admin, sessionId)).status).toBe(404);
      expect((await raw(b.url, admin, sessionId)).status).toBe(404);
      await expect(mcp.client.listTools()).rejects.toThrow();
    } finally {
      await mcp.close().catch(() => undefined);
    }
  });

  it('rebuilds a session once although concurrent requests for it reach B together', async () => {
    const { b, admin, mcp, sessionId } = await setup();
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => raw(b.url, admin, sessionId)));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      const bodies = await Promise.all(answers.map((r) => r.text()));
      for (const body of bodies) expect(body).toContain('sync_read_context');
    } finally {
      await mcp.close().catch(() => undefined);
    }
  });
});
