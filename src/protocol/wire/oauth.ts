// OAuth 2.1 for MCP clients (D22): discovery documents, registration, the consent page's API and
// the token endpoint's answers. Pure data.
import { z } from 'zod';
import { Timestamp } from './common.js';

export const ProtectedResourceMetadata = z.looseObject({
  resource: z.string(),
  authorization_servers: z.array(z.string()).min(1),
  bearer_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
}).meta({ id: 'ProtectedResourceMetadata', description: 'RFC 9728 metadata of the /mcp resource' });

export const AuthorizationServerMetadata = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  registration_endpoint: z.string(),
  response_types_supported: z.array(z.literal('code')),
  grant_types_supported: z.array(z.string()),
  code_challenge_methods_supported: z.array(z.literal('S256')),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  authorization_response_iss_parameter_supported: z.literal(true),
}).meta({ id: 'AuthorizationServerMetadata', description: 'RFC 8414 metadata' });

export const ClientRegistrationBody = z.looseObject({
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10).describe('https, or http to 127.0.0.1 / localhost / [::1] (any port); no fragment'),
  client_name: z.string().max(200).optional(),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token'])).optional(),
  response_types: z.array(z.literal('code')).optional(),
  token_endpoint_auth_method: z.string().optional().describe('answered "none": public clients with PKCE'),
}).meta({ id: 'ClientRegistrationBody' });

export const RegisteredClient = z.strictObject({
  client_id: z.string(),
  client_id_issued_at: z.number().int(),
  client_name: z.string().optional(),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.literal('none'),
}).meta({ id: 'RegisteredClient' });

export const AuthorizeQuery = z.looseObject({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  code_challenge: z.string(),
  code_challenge_method: z.literal('S256'),
  scope: z.string().optional().describe('default "rooms:* create_rooms"'),
  state: z.string().optional(),
  resource: z.string().optional().describe('this server\'s MCP URL (the default)'),
}).meta({ id: 'AuthorizeQuery' });

export const ConsentRequest = z.strictObject({
  client_id: z.string(),
  client_name: z.string().nullable(),
  redirect_uri: z.string(),
  redirect_host: z.string(),
  redirect_local: z.boolean(),
  scope: z.string(),
  resource: z.string(),
  expires_at: Timestamp,
}).meta({ id: 'ConsentRequest' });
export type ConsentRequest = z.infer<typeof ConsentRequest>;

export const ConsentDecisionBody = z.strictObject({
  approve: z.boolean(),
  scope: z.string().max(8192).optional().describe('narrower than the request, never wider'),
}).meta({ id: 'ConsentDecisionBody' });

export const ConsentDecision = z.strictObject({ redirect: z.string().describe('where the browser goes next: the client\'s redirect URI with code (or error), state and iss') }).meta({ id: 'ConsentDecision' });
export type ConsentDecision = z.infer<typeof ConsentDecision>;

export const OAuthTokenBody = z.looseObject({
  grant_type: z.enum(['authorization_code', 'refresh_token']),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  client_id: z.string(),
  refresh_token: z.string().optional(),
  resource: z.string().optional(),
}).meta({ id: 'OAuthTokenBody', description: 'application/x-www-form-urlencoded (JSON is accepted too)' });
