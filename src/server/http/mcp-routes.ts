// /mcp (the sync tools, behind a credential) and /mcp/beach (the beach tools, open, D26): thin
// shells handing Hono's web Request to the MCP endpoint. A missing or refused credential is a
// D2 401 with a WWW-Authenticate challenge (RFC 6750), before any MCP processing.
//
// Both run each request as its client (limits.ts), so the beach tools charge that client's budgets;
// on /mcp/beach, open to anyone, a request that starts a session also spends one read.
import type { Hono } from 'hono';
import { isSyncError } from '../../core/errors.js';
import type { McpEndpoint } from '../mcp/mcp-endpoint.js';
import { asClient, type BeachLimits } from '../beach/limits.js';
import { clientAddress } from './client-address.js';

/** The endpoint, made on first use (the MCP SDK is loaded only when /mcp is called: half a second of start-up otherwise). */
export type LazyEndpoint = () => Promise<McpEndpoint>;
import { sendError } from './respond.js';

export interface McpRouteDeps {
  mcp: LazyEndpoint;
  beach?: LazyEndpoint;
  /** The beach's per-client budgets; none: unlimited. */
  beachLimits?: BeachLimits;
}

export function registerMcpRoutes(app: Hono, { mcp, beach, beachLimits }: McpRouteDeps): void {
  const mount = (path: string, endpoint: LazyEndpoint, open: boolean) => {
    for (const method of ['get', 'post', 'delete'] as const) {
      app[method](path, (c) => asClient(clientAddress(c), async () => {
        try {
          if (open && c.req.header('mcp-session-id') === undefined) await beachLimits?.charge('read');
          return await (await endpoint()).handle(c.req.raw);
        } catch (error) {
          if (isSyncError(error) && error.code === 'too_many_requests') return sendError(c, error);
          if (!isSyncError(error) || (error.code !== 'authentication_required' && error.code !== 'invalid_token')) throw error;
          const res = sendError(c, error);
          const challenge = error.code === 'invalid_token' ? 'Bearer error="invalid_token", error_description="The bearer token is not valid here."' : 'Bearer';
          res.headers.set('www-authenticate', challenge);
          return res;
        }
      }));
    }
  };
  mount('/mcp', mcp, false);
  if (beach) mount('/mcp/beach', beach, true);
}
