// /mcp (the sync tools, behind a credential) and /mcp/beach (the beach tools, open, D26): thin
// shells handing Hono's web Request to the MCP endpoint. A missing or refused credential is a
// D2 401 with a WWW-Authenticate challenge before any MCP processing: RFC 6750 with the MCP
// authorization spec's `resource_metadata` (RFC 9728 §5.1) and the scope to ask for, so an MCP
// client can discover the authorization server and start OAuth from the 401 alone.
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
  /** Where the protected resource metadata is, and the scope a client should ask for. */
  challenge?: () => { resourceMetadata: string; scope: string };
}

/**
 * The WWW-Authenticate value of a 401 (no error code when no credential was sent, RFC 6750 §3.1)
 * or of a 403 insufficient_scope, whose scope is what to ask for instead.
 */
export function bearerChallenge(code: 'authentication_required' | 'invalid_token' | 'insufficient_scope', challenge?: { resourceMetadata: string; scope: string }, needed?: string): string {
  const params: string[] = [];
  if (challenge) params.push(`resource_metadata="${challenge.resourceMetadata}"`);
  if (code === 'invalid_token') params.push('error="invalid_token"', 'error_description="The bearer token is unknown, expired, revoked or not valid here."');
  if (code === 'insufficient_scope') params.push('error="insufficient_scope"', 'error_description="The token\'s scope lacks what this request needs."');
  const scope = needed ?? challenge?.scope;
  if (scope) params.push(`scope="${scope}"`);
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

export function registerMcpRoutes(app: Hono, { mcp, beach, beachLimits, challenge }: McpRouteDeps): void {
  const mount = (path: string, endpoint: LazyEndpoint, open: boolean) => {
    for (const method of ['get', 'post', 'delete'] as const) {
      app[method](path, (c) => asClient(clientAddress(c), async () => {
        try {
          if (open && c.req.header('mcp-session-id') === undefined) await beachLimits?.charge('read');
          return await (await endpoint()).handle(c.req.raw);
        } catch (error) {
          if (isSyncError(error) && error.code === 'too_many_requests') return sendError(c, error);
          if (!isSyncError(error) || (error.code !== 'authentication_required' && error.code !== 'invalid_token' && error.code !== 'insufficient_scope')) throw error;
          const res = sendError(c, error);
          const scope = error.code === 'insufficient_scope' ? String(error.details.scope) : undefined;
          res.headers.set('www-authenticate', bearerChallenge(error.code, challenge?.(), scope));
          return res;
        }
      }));
    }
  };
  mount('/mcp', mcp, false);
  if (beach) mount('/mcp/beach', beach, true);
}
