// MCP clients for tests: the official SDK Client over its Streamable HTTP transport, with a bearer.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface McpTestClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Call a tool; returns the result (errors are results with isError). */
  call(name: string, args?: Record<string, unknown>, options?: Parameters<Client['callTool']>[2]): Promise<ToolOutcome>;
  close(): Promise<void>;
}

export interface ToolOutcome {
  isError: boolean;
  text: string;
  /** structuredContent, or the D2 body of an error. */
  body: any;
  /** The D2 code of an error result (the text's first word). */
  code: string | null;
}

/** `fetch`: how the transport reaches the server (a test's switching proxy). */
export async function connectMcp(baseUrl: string, token?: string, path = '/mcp', fetch?: typeof globalThis.fetch): Promise<McpTestClient> {
  const client = new Client({ name: 'agent-sync-tests', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(path, baseUrl), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    ...(fetch ? { fetch } : {}),
  });
  await client.connect(transport);
  return {
    client,
    transport,
    async call(name, args = {}, options) {
      const result = (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      if (result.isError) {
        const json = text.slice(text.indexOf('\n') + 1);
        let body: any = null;
        try {
          body = JSON.parse(json);
        } catch {
          /* not a D2 body */
        }
        return { isError: true, text, body, code: /^([a-z_]+): /.exec(text)?.[1] ?? null };
      }
      return { isError: false, text, body: result.structuredContent, code: null };
    },
    close: () => client.close(),
  };
}

/** A raw JSON-RPC POST to /mcp (for transport-level assertions). */
export async function rawMcp(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL('/mcp', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

export const INIT = (version = '2025-06-18') => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
