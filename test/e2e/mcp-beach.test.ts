// The beach tools through the official MCP SDK client (issue 12, must-show 5): on /mcp/beach
// without sign-in (D26), against a real server process on SQLite; bad input is a clear error
// result and the server keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, type McpTestClient } from '../support/mcp.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

const TOOLS = ['bsp', 'bsp-floor', 'pscale_grain_reach', 'pscale_invite', 'pscale_key_publish', 'pscale_play', 'pscale_pool_engage', 'pscale_register', 'pscale_settle', 'pscale_verify_rider'];

let server: ServerProcess;
let mcp: McpTestClient;
beforeAll(async () => {
  server = await startServer();
  mcp = await connectMcp(server.url, undefined, '/mcp/beach');
}, 60_000);
afterAll(async () => {
  await mcp?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('beach tools on /mcp/beach (MCP SDK client, no sign-in)', () => {
  it('lists the nine tools (and pscale_settle), only them', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
  });

  it('bsp writes a locked block on this server’s own beach and reads it back, over HTTP too', async () => {
    const wrote = await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', content: { _: 'written over MCP', 1: 'first' }, new_lock: 'pass' });
    expect(wrote.isError).toBe(false);
    expect(wrote.text).toMatch(/^\[wrote block @ ""\]/);
    const refused = await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', spindle: '2', content: 'no secret' });
    expect(refused.text).toMatch(/secret required/);
    expect((await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', spindle: '2', content: 'second', secret: 'pass' })).text).toBe('[wrote point @ "2"]');
    const read = await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', pscale_attention: 0 });
    expect(read.text).toContain('written over MCP');
    expect(read.text).toContain('second');
    const wire = await fetch(`${server.url}/.well-known/pscale-beach?block=mcp-note`);
    expect(await wire.json()).toMatchObject({ _: 'written over MCP', 1: 'first', 2: 'second' });
  });

  it('reads the teaching blocks under agent_id "pscale", and refuses to write them', async () => {
    const index = await mcp.call('bsp', { agent_id: 'pscale' });
    for (const name of ['manifest', 'whetstone', 'progression', 'block-conventions']) expect(index.text).toContain(name);
    expect((await mcp.call('bsp', { agent_id: 'pscale', block: 'whetstone', spindle: '1', content: 'x' })).text).toMatch(/read-only sentinel/);
  });

  it('answers bad input with an error result and keeps serving', async () => {
    const wrongType = await mcp.call('bsp', { agent_id: 42 });
    expect(wrongType.isError).toBe(true);
    const badAddress = await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', spindle: '1..x', content: 'y', secret: 'pass' });
    expect(badAddress.text).toMatch(/reject|invalid|not/i);
    const huge = await mcp.call('bsp', { agent_id: server.url, block: 'x'.repeat(5000), content: 'z' });
    expect(huge.isError || /reject|invalid|too long|at most/i.test(huge.text)).toBe(true);
    await expect(mcp.client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await mcp.call('bsp', { agent_id: server.url, block: 'mcp-note', spindle: '1' })).text).toContain('first');
  });

  it('does not offer the sync tools or room resources there', async () => {
    await expect(mcp.client.callTool({ name: 'sync_lobby', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await expect(mcp.client.listResources()).rejects.toThrow();
  });
});
