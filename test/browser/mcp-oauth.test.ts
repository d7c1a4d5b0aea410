// Must-show 1 of issue 11: the MCP SDK's own Client, over its Streamable HTTP transport, with an
// OAuthClientProvider. The 401 starts the SDK's discovery and dynamic registration; its
// redirectToAuthorization drives headless Chromium: the consent page sends the signed-out user to
// /signin, who signs in with a passkey (a CDP virtual authenticator holding the account registered
// before), comes back to consent and approves; the loopback redirect is caught; finishAuth exchanges
// the code; then the sync tools run: lobby → create room → embody → register an action → invoke →
// a wait another client wakes → read context; then the SDK refreshes the token and the same session
// goes on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { passkeyOrigin, registerAccount } from '../support/passkeys.js';
import { TestClient } from '../support/http-client.js';

const SHOTS = 'oauth';

/** A loopback redirect target, as a desktop MCP client runs one: it hands over the query it receives. */
async function callbackServer(): Promise<{ url: string; next(): Promise<URLSearchParams>; close(): Promise<void> }> {
  let deliver: ((q: URLSearchParams) => void) | null = null;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>done</title><h1>Signed in: ${url.searchParams.has('code') ? 'code received' : 'no code'}</h1><p>You can close this window.</p>`);
    deliver?.(url.searchParams);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    next: () => new Promise((r) => (deliver = r)),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** An OAuthClientProvider kept in memory, whose "browser" is headless Chromium clicking Approve. */
class BrowserProvider implements OAuthClientProvider {
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';
  /** What the authorization redirect brought back (code, state, iss). */
  returned: URLSearchParams | null = null;
  redirects = 0;

  constructor(
    private readonly page: Page,
    private readonly callback: Awaited<ReturnType<typeof callbackServer>>,
  ) {}

  get redirectUrl() {
    return this.callback.url;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'SDK test client', redirect_uris: [this.callback.url], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() {
    return 'sdk-state-1';
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.redirects += 1;
    const page = this.page;
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    const arrived = this.callback.next();
    await page.goto(url.toString());
    // Signed out: consent sends the user to sign in first, and back afterwards.
    await page.waitForURL((u) => u.pathname === '/signin' && (u.searchParams.get('next') ?? '').startsWith('/oauth/consent'));
    await page.screenshot({ path: shot(SHOTS, '0-sign-in-first.png'), fullPage: true });
    await page.click('#signin-button');
    await page.waitForURL((u) => u.pathname === '/oauth/consent');
    await page.locator('#approve').waitFor();
    expect(await page.locator('#client-name').textContent()).toBe('SDK test client');
    expect(await page.locator('#redirect-host').textContent()).toBe(new URL(this.callback.url).host);
    await page.screenshot({ path: shot(SHOTS, '1-consent.png'), fullPage: true });
    await page.click('#approve');
    this.returned = await arrived;
    await page.waitForURL((u) => u.toString().startsWith(this.callback.url));
    await page.screenshot({ path: shot(SHOTS, '2-back-at-the-client.png'), fullPage: true });
    // The signed-out session check is a 401 the browser reports as a failed load; nothing else may fail.
    expect(problems.filter((p) => !/401 \(Unauthorized\)/.test(p))).toEqual([]);
  }
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}, options?: Parameters<Client['callTool']>[2]) {
  const result = (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  expect(result.isError ?? false, `${name}: ${text}`).toBe(false);
  return result.structuredContent as any;
}

describe.skipIf(!runBrowserTests)('MCP SDK client with OAuth, consent in Chromium', () => {
  let served: ServedApp;
  let browser: Browser;
  let callback: Awaited<ReturnType<typeof callbackServer>>;

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    served = await serveInProcess([]);
    browser = await launch();
    callback = await callbackServer();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await served?.close();
  });

  it('discovers, registers, authorizes through consent, exchanges the code, runs the tools, refreshes and goes on', async () => {
    // The public URL is http://localhost:<port> (WebAuthn needs a domain); clients use it too.
    const base = passkeyOrigin(served.url);
    const context = await browser.newContext();
    const page = await context.newPage();
    await registerAccount(page, base, 'ada', '/manage');
    await page.evaluate(async () => {
      const res = await fetch('/auth/signout', { method: 'POST' });
      if (!res.ok) throw new Error(`sign-out answered ${res.status}`);
    });
    const provider = new BrowserProvider(page, callback);
    const mcpUrl = new URL('/mcp', base);

    // First contact: 401 → discovery → registration → the browser (consent) → redirect caught.
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(new Client({ name: 'sdk-oauth', version: '1' }).connect(first)).rejects.toThrow(/Unauthorized/i);
    expect(provider.redirects).toBe(1);
    expect(provider.clientInformation()?.client_id).toMatch(/^mcpc_/);
    const returned = provider.returned!;
    expect(returned.get('state')).toBe('sdk-state-1');
    expect(returned.get('iss')).toBe(base);
    await first.finishAuth(returned.get('code')!);
    const firstTokens = provider.tokens()!;
    expect(firstTokens).toMatchObject({ token_type: 'Bearer', scope: 'rooms:* create_rooms' });
    expect(firstTokens.access_token).toMatch(/^tok_/);

    const client = new Client({ name: 'sdk-oauth', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    const lobby = await call(client, 'sync_lobby');
    expect(lobby).toMatchObject({ rooms: [], can_create_rooms: true });
    const created = await call(client, 'sync_create_room', { id: 'oauth-flow' });
    expect(created.id).toBe('oauth-flow');
    expect((await call(client, 'sync_lobby')).rooms.map((r: { id: string }) => r.id)).toEqual(['oauth-flow']);
    const embodied = await call(client, 'sync_embody', { room: 'oauth-flow', agent: 'ada' });
    expect(embodied._session).toMatchObject({ agent: 'ada', room: 'oauth-flow' });
    await call(client, 'sync_register_action', {
      room: 'oauth-flow', id: 'submit', params: { result: { type: 'any' } },
      writes: [{ scope: '_shared', key: '${self}.result', value: '${params.result}' }],
    });
    expect(await call(client, 'sync_invoke_action', { room: 'oauth-flow', action: 'submit', params: { result: '42' } })).toMatchObject({ invoked: true, agent: 'ada' });

    // Another client (the room's admin token over HTTP, D19) wakes the wait.
    const other = new TestClient(base).as(created.token);
    const bob = (await other.post('/rooms/oauth-flow/agents', { id: 'bob' })).body;
    let registered!: () => void;
    const waitingNow = new Promise<void>((r) => (registered = r));
    const waiting = call(client, 'sync_wait', { room: 'oauth-flow', condition: 'state._shared["bob.result"] == "7"', timeout: 25_000 }, { onprogress: () => registered(), timeout: 60_000 });
    await waitingNow;
    await new TestClient(base).as(bob.token).invoke('oauth-flow', 'submit', { result: '7' });
    expect(await waiting).toMatchObject({ triggered: true });
    const read = await call(client, 'sync_read_context', { room: 'oauth-flow' });
    expect(read.context.state._shared).toMatchObject({ 'ada.result': '42', 'bob.result': '7' });

    // The SDK refreshes (rotation): the old access token is dead, the same MCP session goes on.
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('AUTHORIZED');
    const refreshed = provider.tokens()!;
    expect(refreshed.access_token).not.toBe(firstTokens.access_token);
    expect(refreshed.refresh_token).not.toBe(firstTokens.refresh_token);
    expect(provider.redirects).toBe(1);
    const stale = await fetch(mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${firstTokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(stale.status).toBe(401);
    expect(await call(client, 'sync_invoke_action', { room: 'oauth-flow', action: 'submit', params: { result: '43' } })).toMatchObject({ invoked: true, agent: 'ada' });
    expect((await call(client, 'sync_read_context', { room: 'oauth-flow' })).context.state._shared['ada.result']).toBe('43');
    await client.close();
    await context.close();
  }, 120_000);
});
