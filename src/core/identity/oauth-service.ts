// OAuth 2.1 for MCP clients (D22; sync-auth §6 with §11 items 11, 16, 20 fixed; the MCP
// authorization spec): discovery documents (RFC 9728, RFC 8414), dynamic client registration
// (RFC 7591, public clients), the authorization request kept server-side until a passkey session
// decides it, single-use hashed codes bound to client, redirect URI, PKCE S256 challenge,
// resource and user, and the token endpoint (code exchange; refresh through the identity
// service's rotation with reuse detection). Tokens are our opaque `tok_`/`ref_`, bound to the
// MCP resource (RFC 8707): they are refused on the HTTP API. No HTTP here: the routes translate.
import { SyncError, quote } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { IdSource } from '../ports/id-source.js';
import type { IdentityStore } from '../ports/identity-store.js';
import type { OAuthClientRecord, OAuthRequestRecord } from '../ports/oauth-store.js';
import type { Principal } from './access.js';
import type { IdentityService, TokenGrant } from './identity-service.js';
import { exceeds, formatScope, parseScope } from './scope.js';
import { hasControlOrSpace, isLoopbackRedirect, redirectUriProblem } from './redirect-uris.js';

/** What an MCP client asks for when it names no scope, and what the metadata offers. */
export const DEFAULT_OAUTH_SCOPE = 'rooms:* create_rooms';
export const REQUEST_TTL_S = 600;
export const CODE_TTL_S = 60;
export const MAX_REDIRECT_URIS = 10;
const NAME_MAX = 200;
const STATE_MAX = 1000;
/** RFC 7636 §4.1: 43–128 unreserved characters; an S256 challenge is 43 base64url characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface OAuthDeps {
  store: IdentityStore;
  clock: Clock;
  credentials: Credentials;
  ids: IdSource;
  identity: IdentityService;
  /** The one public URL (no trailing slash): the issuer, and every URL below derives from it. */
  publicUrl: () => string;
}

export interface RegisteredClient {
  client_id: string;
  client_id_issued_at: number;
  client_name?: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'none';
}

export interface ConsentRequest {
  client_id: string;
  client_name: string | null;
  redirect_uri: string;
  /** The host the browser goes back to (what the user should recognise). */
  redirect_host: string;
  /** Whether that is this computer (a loopback redirect: a local app). */
  redirect_local: boolean;
  scope: string;
  resource: string;
  expires_at: string;
}

/** An authorization error the client learns about through its (validated) redirect URI. */
export class RedirectedError extends Error {
  constructor(readonly redirect: string) {
    super('authorization error sent to the client');
  }
}

function oauthError(code: ConstructorParameters<typeof SyncError>[0], message: string, field?: string): SyncError {
  return new SyncError(code, message, field === undefined ? {} : { field });
}

export class OAuthService {
  constructor(private readonly deps: OAuthDeps) {}

  private now(): number {
    return this.deps.clock.now();
  }

  issuer(): string {
    return this.deps.publicUrl();
  }

  /** This server's MCP endpoint: the only resource (audience) tokens are issued for. */
  mcpResource(): string {
    return `${this.issuer()}/mcp`;
  }

  /** Where a 401 on /mcp points (RFC 9728 §5.1): the path-suffixed metadata of the MCP resource. */
  resourceMetadataUrl(): string {
    return `${this.issuer()}/.well-known/oauth-protected-resource/mcp`;
  }

  /** RFC 9728 protected resource metadata for /mcp. */
  protectedResource() {
    return {
      resource: this.mcpResource(),
      authorization_servers: [this.issuer()],
      bearer_methods_supported: ['header'],
      scopes_supported: DEFAULT_OAUTH_SCOPE.split(' '),
      resource_name: 'agent-sync MCP',
    };
  }

  /** RFC 8414 authorization server metadata. */
  authorizationServer() {
    const base = this.issuer();
    return {
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['rooms:*', 'rooms:*:write', 'rooms:*:read', 'create_rooms'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  // ---- RFC 7591 dynamic client registration ----

  async register(body: Record<string, unknown>): Promise<RegisteredClient> {
    const uris = body.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0) throw oauthError('invalid_redirect_uri', 'redirect_uris must be a non-empty array of URIs.', 'redirect_uris');
    if (uris.length > MAX_REDIRECT_URIS) throw oauthError('invalid_redirect_uri', `A client registers at most ${MAX_REDIRECT_URIS} redirect URIs.`, 'redirect_uris');
    for (const uri of uris) {
      const problem = redirectUriProblem(uri);
      if (problem !== null) throw oauthError('invalid_redirect_uri', `The redirect URI ${quote(uri)} is refused: ${problem}.`, 'redirect_uris');
    }
    const name = body.client_name;
    if (name !== undefined && (typeof name !== 'string' || name.length > NAME_MAX || hasControlOrSpace(name.replaceAll(' ', '')))) {
      throw oauthError('invalid_client_metadata', `client_name must be a line of text of at most ${NAME_MAX} characters.`, 'client_name');
    }
    this.listOf(body.grant_types, ['authorization_code', 'refresh_token'], 'grant_types');
    this.listOf(body.response_types, ['code'], 'response_types');
    const client: OAuthClientRecord = { id: `mcpc_${this.deps.ids.uuid()}`, name: (name as string | undefined) ?? null, redirectUris: [...new Set(uris as string[])], createdAt: this.now() };
    await this.deps.store.oauth.createClient(client);
    // Public clients only (PKCE is their proof): any other auth method asked for is answered "none" (RFC 7591 §3.2.1).
    return {
      client_id: client.id,
      client_id_issued_at: Math.floor(client.createdAt / 1000),
      ...(client.name === null ? {} : { client_name: client.name }),
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  private listOf(value: unknown, allowed: readonly string[], field: string): void {
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length > 10 || value.some((v) => typeof v !== 'string' || !allowed.includes(v))) {
      throw oauthError('invalid_client_metadata', `${field} may only list ${allowed.join(', ')}.`, field);
    }
  }

  // ---- the authorization request ----

  /**
   * Validate an authorization request and keep it server-side; returns the consent page's URL.
   * Until the client and its exact redirect URI are known good, errors are thrown (shown to the
   * user, never redirected); after that they go back to the client as RedirectedError.
   */
  async authorize(params: ReadonlyMap<string, string>, duplicated: readonly string[]): Promise<string> {
    const clientId = params.get('client_id');
    const client = clientId && clientId.length <= 100 ? await this.deps.store.oauth.client(clientId) : null;
    if (!client) throw oauthError('invalid_request', clientId ? `There is no registered client ${quote(clientId)}.` : 'client_id is required.', 'client_id');
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      throw oauthError('invalid_request', 'redirect_uri must be exactly one of the URIs the client registered.', 'redirect_uri');
    }
    if (duplicated.includes('client_id') || duplicated.includes('redirect_uri')) throw oauthError('invalid_request', 'client_id and redirect_uri may appear only once.');
    const state = params.get('state') ?? null;
    const fail = (error: string, description: string): never => {
      throw new RedirectedError(this.redirectWith(redirectUri, { error, error_description: description, ...(state !== null && state.length <= STATE_MAX ? { state } : {}) }));
    };
    if (duplicated.length > 0) fail('invalid_request', `The parameter ${duplicated[0]} appears more than once.`);
    if (state !== null && state.length > STATE_MAX) fail('invalid_request', `state has at most ${STATE_MAX} characters.`);
    if (params.get('response_type') !== 'code') fail('unsupported_response_type', 'Only response_type=code is supported.');
    const challenge = params.get('code_challenge');
    if (params.get('code_challenge_method') !== 'S256') fail('invalid_request', 'PKCE is required with code_challenge_method=S256 (plain is refused).');
    if (!challenge || !CHALLENGE.test(challenge)) fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).');
    const resource = params.get('resource') ?? this.mcpResource();
    if (resource !== this.mcpResource()) fail('invalid_target', `This server issues tokens for ${this.mcpResource()} only.`);
    let scope = '';
    try {
      const parsed = parseScope(params.get('scope') ?? DEFAULT_OAUTH_SCOPE);
      if (parsed.manageTokens) throw new SyncError('invalid_scope', 'tokens:manage is not granted to MCP clients.');
      scope = formatScope(parsed);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      fail('invalid_scope', error.message);
    }
    const handle = this.deps.credentials.mint('oreq_');
    const now = this.now();
    const record: OAuthRequestRecord = {
      hash: handle.hash, clientId: client.id, redirectUri, codeChallenge: challenge!, scope, resource, state,
      createdAt: now, expiresAt: now + REQUEST_TTL_S * 1000, decidedAt: null,
    };
    await this.deps.store.oauth.createRequest(record);
    return `${this.issuer()}/oauth/consent?request=${encodeURIComponent(handle.token)}`;
  }

  private async pending(handle: unknown): Promise<OAuthRequestRecord> {
    const row = typeof handle === 'string' && handle.startsWith('oreq_') && handle.length <= 100
      ? await this.deps.store.oauth.request(this.deps.credentials.hash(handle))
      : null;
    if (!row || row.decidedAt !== null || row.expiresAt <= this.now()) {
      throw new SyncError('not_found', 'This authorization request is unknown, expired or already decided; start again from the application.');
    }
    return row;
  }

  private sessionUser(principal: Principal): string {
    if (principal.kind !== 'session') throw new SyncError('authentication_required', 'Authorizing an application needs a passkey session.');
    return principal.userId;
  }

  /** What the consent page shows (signed-in users only). */
  async describe(principal: Principal, handle: unknown): Promise<ConsentRequest> {
    this.sessionUser(principal);
    const row = await this.pending(handle);
    const client = (await this.deps.store.oauth.client(row.clientId))!;
    const uri = new URL(row.redirectUri);
    return {
      client_id: client.id, client_name: client.name, redirect_uri: row.redirectUri, redirect_host: uri.host, redirect_local: isLoopbackRedirect(uri),
      scope: row.scope, resource: row.resource, expires_at: new Date(row.expiresAt).toISOString(),
    };
  }

  /**
   * The user's decision: approve (with the requested scope, or a narrower one — never wider) or
   * deny. Either way the request is used up; the answer is where the browser goes next, with `iss`.
   */
  async decide(principal: Principal, handle: unknown, approve: boolean, scopeText?: unknown): Promise<{ redirect: string }> {
    const userId = this.sessionUser(principal);
    const row = await this.pending(handle);
    let scope = row.scope;
    if (approve && scopeText !== undefined && scopeText !== null) {
      const asked = parseScope(scopeText);
      const why = exceeds(asked, parseScope(row.scope));
      if (why !== null) throw new SyncError('scope_denied', `The approval cannot widen the request: ${why}.`);
      scope = formatScope(asked);
    }
    if (!(await this.deps.store.oauth.decideRequest(row.hash, this.now()))) throw new SyncError('not_found', 'This authorization request was already decided.');
    const state: Record<string, string> = row.state === null ? {} : { state: row.state };
    if (!approve) return { redirect: this.redirectWith(row.redirectUri, { error: 'access_denied', error_description: 'The user denied the request.', ...state }) };
    const code = this.deps.credentials.mint('code_');
    const now = this.now();
    await this.deps.store.oauth.createCode({
      hash: code.hash, clientId: row.clientId, userId, redirectUri: row.redirectUri, codeChallenge: row.codeChallenge, scope, resource: row.resource,
      family: this.deps.ids.uuid(), createdAt: now, expiresAt: now + CODE_TTL_S * 1000, usedAt: null, replayedAt: null,
    });
    return { redirect: this.redirectWith(row.redirectUri, { code: code.token, ...state }) };
  }

  /** The client's redirect URI with response parameters and `iss` (RFC 9207). */
  private redirectWith(redirectUri: string, params: Record<string, string>): string {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries({ ...params, iss: this.issuer() })) url.searchParams.append(k, v);
    return url.toString();
  }

  // ---- the token endpoint ----

  async token(body: Record<string, unknown>): Promise<TokenGrant> {
    const str = (field: string, max = 512): string => {
      const v = body[field];
      if (typeof v !== 'string' || v === '' || v.length > max) throw oauthError('invalid_request', `${field} is required.`, field);
      return v;
    };
    const grantType = str('grant_type', 100);
    if (grantType === 'refresh_token') {
      const clientId = str('client_id', 100);
      if (!(await this.deps.store.oauth.client(clientId))) throw oauthError('invalid_client', `There is no registered client ${quote(clientId)}.`, 'client_id');
      this.checkResource(body.resource);
      return this.deps.identity.refresh({ refresh_token: str('refresh_token', 200) }, { clientId, resource: this.mcpResource() });
    }
    if (grantType !== 'authorization_code') throw oauthError('unsupported_grant_type', `The grant type ${quote(grantType)} is not supported (authorization_code, refresh_token).`, 'grant_type');
    const code = str('code', 200);
    const redirectUri = str('redirect_uri', 2000);
    const verifier = str('code_verifier', 200);
    const clientId = str('client_id', 100);
    const invalid = (why: string) => new SyncError('invalid_grant', `The authorization code cannot be exchanged: ${why}.`);
    const row = code.startsWith('code_') ? await this.deps.store.oauth.code(this.deps.credentials.hash(code)) : null;
    if (!row) throw invalid('it is unknown');
    // Single use: whoever presents it again (a replay) takes down what the first exchange issued.
    if (!(await this.deps.store.oauth.useCode(row.hash, this.now()))) {
      await this.deps.identity.revokeFamily(row.family);
      throw invalid('it was already used, and the tokens issued for it are now revoked');
    }
    if (row.expiresAt <= this.now()) throw invalid('it expired');
    if (row.clientId !== clientId) throw invalid('it was issued to another client');
    if (row.redirectUri !== redirectUri) throw invalid('redirect_uri differs from the authorization request');
    if (!VERIFIER.test(verifier) || this.deps.credentials.s256(verifier) !== row.codeChallenge) throw invalid('the PKCE code_verifier does not match the challenge');
    if (body.resource !== undefined && body.resource !== row.resource) throw oauthError('invalid_target', `The code was issued for ${row.resource}.`, 'resource');
    const client = await this.deps.store.oauth.client(row.clientId);
    const granted = await this.deps.identity.issue(row.userId, row.scope, {
      clientId: row.clientId, resource: row.resource, family: row.family, label: `MCP client: ${(client?.name ?? row.clientId).slice(0, 150)}`,
    });
    // A replay that raced this exchange may have revoked the family before these tokens existed:
    // it recorded itself first, so look now and take the new tokens down too.
    if ((await this.deps.store.oauth.code(row.hash))?.replayedAt !== null) {
      await this.deps.identity.revokeFamily(row.family);
      throw invalid('it was presented twice at once, and the tokens issued for it are revoked');
    }
    return granted;
  }

  private checkResource(resource: unknown): void {
    if (resource !== undefined && resource !== this.mcpResource()) throw oauthError('invalid_target', `This server issues tokens for ${this.mcpResource()} only.`, 'resource');
  }
}
