// /mcp (the sync tools, behind a credential) and /mcp/beach (the beach tools, open, D26): thin
// shells handing Hono's web Request to the MCP endpoint. A missing or refused credential is a
// D2 401 with a WWW-Authenticate challenge (RFC 6750), before any MCP processing.
import type { Hono } from 'hono';
import { isSyncError } from '../../core/errors.js';
import type { McpEndpoint } from '../mcp/mcp-endpoint.js';

/** The endpoint, made on first use (the MCP SDK is loaded only when /mcp is called: half a second of start-up otherwise). */
export type LazyEndpoint = () => Promise<McpEndpoint>;
import { sendError } from './respond.js';

export interface McpRouteDeps {
  mcp: LazyEndpoint;
  beach?: LazyEndpoint;
}

export function registerMcpRoutes(app: Hono, { mcp, beach }: McpRouteDeps): void {
  const mount = (path: string, endpoint: LazyEndpoint) => {
    for (const method of ['get', 'post', 'delete'] as const) {
      app[method](path, async (c) => {
        try {
          return await (await endpoint()).handle(c.req.raw);
        } catch (error) {
          if (!isSyncError(error) || (error.code !== 'authentication_required' && error.code !== 'invalid_token')) throw error;
          const res = sendError(c, error);
          const challenge = error.code === 'invalid_token' ? 'Bearer error="invalid_token", error_description="The bearer token is not valid here."' : 'Bearer';
          res.headers.set('www-authenticate', challenge);
          return res;
        }
      });
    }
  };
  mount('/mcp', mcp);
  if (beach) mount('/mcp/beach', beach);
}
