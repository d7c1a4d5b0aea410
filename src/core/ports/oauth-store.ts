// OAuth 2.1 for MCP clients (D22, sync-auth §6 with §11 items 16 and 20 fixed): registered
// clients, pending authorization requests and authorization codes, as a port beside the identity
// store (which holds it as `oauth`). Secrets never reach it: request handles and codes are stored
// by hash. Times are epoch milliseconds. The one-shot transitions (deciding a request, using a
// code) are conditional, so exactly one caller wins a race.

/** A dynamically registered client (RFC 7591). Public clients only: PKCE is their proof. */
export interface OAuthClientRecord {
  id: string;
  name: string | null;
  /** Exact redirect URIs (https, or http on a loopback host). */
  redirectUris: string[];
  createdAt: number;
}

/** An authorization request kept server-side between /oauth/authorize and the consent decision. */
export interface OAuthRequestRecord {
  /** SHA-256 of the request handle the consent page carries. */
  hash: string;
  clientId: string;
  redirectUri: string;
  /** The S256 PKCE challenge. */
  codeChallenge: string;
  /** Canonical scope text the client asked for. */
  scope: string;
  /** The resource (audience) the token will be bound to: this server's MCP URL. */
  resource: string;
  state: string | null;
  createdAt: number;
  expiresAt: number;
  /** Set once the user approved or denied it. */
  decidedAt: number | null;
}

/** An authorization code: single use, short-lived, bound to everything the exchange must match. */
export interface AuthCodeRecord {
  /** SHA-256 of the code. */
  hash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  codeChallenge: string;
  /** The scope the user approved (within the request's). */
  scope: string;
  resource: string;
  /** The token family the exchange mints into (a replayed code revokes it). */
  family: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  /** When someone presented it again after its use (the exchange that won checks this last). */
  replayedAt: number | null;
}

export interface OAuthStore {
  createClient(client: OAuthClientRecord): Promise<void>;
  client(id: string): Promise<OAuthClientRecord | null>;

  createRequest(request: OAuthRequestRecord): Promise<void>;
  request(hash: string): Promise<OAuthRequestRecord | null>;
  /** Mark a pending, unexpired request decided, once: false when it was decided or expired. */
  decideRequest(hash: string, at: number): Promise<boolean>;

  createCode(code: AuthCodeRecord): Promise<void>;
  code(hash: string): Promise<AuthCodeRecord | null>;
  /** Mark a code used, once: false when it was already used — a replay, which is recorded (replayedAt). */
  useCode(hash: string, at: number): Promise<boolean>;

  /** Drop requests and codes that expired before `before`. */
  purge(before: number): Promise<void>;
}
