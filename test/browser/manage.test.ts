// The management page (/manage) in real Chromium, on an in-process server with a signed-in passkey
// session: it lists the user's rooms with their roles, mints a token whose scope is what was
// picked (and which works as picked), revokes one (then refused) and narrows one; a signed-out
// visitor goes to /signin; a page on another origin cannot use the session; hostile labels are text.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/protocol/routes.js';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { TestClient } from '../support/http-client.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { browserCookie, signedInSession, type TestSession } from '../support/sessions.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const hasSignOut = ROUTES.some((r) => r.method === 'post' && r.path === '/auth/signout');

describe.skipIf(!runBrowserTests)('/manage (Chromium)', () => {
  let served: ServedApp;
  let base: string;
  let browser: Browser;
  let ada: TestSession;
  let adaRooms: TestClient;

  const asUser = async (user: string, scope: string) => served.client.as((await served.app.identity.operatorMint(user, { scope })).token);
  const sessionGet = (path: string, session = ada) => served.client.request('GET', path, undefined, { cookie: session.cookie });
  const tokenById = async (id: string) => (await sessionGet('/tokens')).body.tokens.find((t: { id: string }) => t.id === id);

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    served = await serveInProcess();
    // The public URL is this server's own origin: the one its pages' requests carry (CSRF check).
    const port = Number(new URL(served.url).port);
    served.app.listeningOn(port);
    base = `http://localhost:${port}`;
    browser = await launch();
    ada = await signedInSession(served.app, 'ada');
    await signedInSession(served.app, 'bob');
    adaRooms = await asUser('ada', 'create_rooms');
    const bob = await asUser('bob', 'create_rooms');
    for (const [id, label] of [['alpha', 'Team alpha'], ['beta', HOSTILE]]) {
      expect((await adaRooms.post('/rooms', { id, label })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await bob.post('/rooms', { id: 'bobs-room', label: 'Bob’s' })).status).toBe(201);
    expect((await bob.post('/rooms', { id: 'bob-private' })).status).toBe(201);
    expect((await bob.post('/rooms/bobs-room/invite', { username: 'ada', role: 'observer' })).status).toBe(200);
    await served.app.identity.operatorMint('ada', { scope: 'rooms:alpha:read', label: HOSTILE });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  async function open(session: TestSession | null = ada): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    if (session) await context.addCookies([browserCookie(session, base)]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page, problems };
  }

  async function openManage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const opened = await open();
    const response = await opened.page.goto(`${base}/manage`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await opened.page.locator('body[data-ready="true"]').waitFor();
    return opened;
  }

  it('lists the rooms the user has a role in, with the role, newest first; hostile labels are text', async () => {
    const { context, page, problems } = await openManage();
    const rows = page.locator('#rooms-table tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-room')}:${tr.querySelector('.badge')!.textContent}`))).toEqual(['bobs-room:observer', 'beta:owner', 'alpha:owner']);
    expect(await page.locator('[data-room="bob-private"]').count()).toBe(0);
    expect(await page.locator('#rooms-table [data-room="alpha"] a').getAttribute('href')).toBe('/rooms/alpha/dashboard');
    expect(await page.locator('#rooms-table [data-room="beta"]').textContent()).toContain(HOSTILE);
    expect(await page.locator('#tokens-table').textContent()).toContain(HOSTILE);
    expect(await page.locator('#profile-username').textContent()).toBe('ada');
    expect(await page.locator('#profile-id').textContent()).toBe(ada.userId);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // The account panels shared with /signin are mounted under the jump links' anchors.
    expect(await page.locator('#passkeys h2').textContent()).toBe('Passkeys');
    expect(await page.locator('#recovery h2').textContent()).toBe('Recovery codes');
    await page.screenshot({ path: shot('manage', '1-overview.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('mints a token with the picked scope, shows its secret once, and the token works as picked', async () => {
    const { context, page, problems } = await openManage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    // a participant-level choice is all an observer's room offers
    expect(await page.locator('select[name="room:bobs-room"] option').allTextContents()).toEqual(['—', 'read']);
    await page.selectOption('select[name="room:alpha"]', 'read');
    await page.check('#mint-create_rooms');
    await page.fill('#mint-label', 'ci bot');
    await page.selectOption('#mint-expires', String(86_400));
    expect(await page.locator('#mint-preview').textContent()).toBe('rooms:alpha:read create_rooms');
    await page.click('#mint-submit');
    const secret = (await page.locator('#minted-token').textContent())!;
    expect(secret).toMatch(/^tok_/);
    await page.click('#minted [data-copy]');
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(secret);
    await page.locator('#tokens-table tr', { hasText: 'ci bot' }).waitFor();
    await page.screenshot({ path: shot('manage', '2-minted.png'), fullPage: true });

    const listed = (await sessionGet('/tokens')).body.tokens.find((t: { label: string }) => t.label === 'ci bot');
    expect(listed).toMatchObject({ scope: 'rooms:alpha:read create_rooms', revoked: false });
    expect(Date.parse(listed.expires_at) - Date.parse(listed.created_at)).toBe(86_400_000);
    const minted = served.client.as(secret);
    expect((await minted.get('/rooms/alpha/context')).status).toBe(200);
    expect((await minted.invoke('alpha', '_send_message', { body: 'hi' })).body.error).toBe('read_only_token');
    expect((await minted.get('/rooms/beta/context')).body.error).toBe('scope_denied');
    expect((await minted.get('/tokens')).body.error).toBe('scope_denied');
    expect((await minted.post('/rooms', { id: 'gamma' })).status).toBe(201);
    await page.click('#minted-done');
    expect(await page.locator('#minted').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('revokes a token after a confirmation; the token is refused from then on', async () => {
    const made = (await served.app.identity.operatorMint('ada', { scope: 'rooms:alpha:read', label: 'to revoke' }));
    const holder = served.client.as(made.token);
    expect((await holder.get('/rooms/alpha/context')).status).toBe(200);
    const { context, page, problems } = await openManage();
    const row = page.locator(`tr[data-token="${made.id}"]`);
    await row.locator('[data-action="revoke"]').click();
    await row.locator('[data-confirm]').waitFor();
    await page.screenshot({ path: shot('manage', '3-revoke-confirm.png'), fullPage: true });
    // nothing happens before the confirmation
    expect((await tokenById(made.id)).revoked).toBe(false);
    await row.locator('[data-confirm]').click();
    await page.locator(`tr[data-token="${made.id}"] [data-status="revoked"]`).waitFor();
    expect((await holder.get('/rooms/alpha/context')).body.error).toBe('invalid_token');
    expect((await tokenById(made.id)).revoked).toBe(true);
    expect(await page.locator(`tr[data-token="${made.id}"] [data-action]`).count()).toBe(0);
    await page.screenshot({ path: shot('manage', '4-revoked.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('narrows a token: lower one room, drop another; the token loses exactly that', async () => {
    const made = await served.app.identity.operatorMint('ada', { scope: 'rooms:alpha rooms:beta:write create_rooms', label: 'wide' });
    const holder = served.client.as(made.token);
    const { context, page, problems } = await openManage();
    const row = page.locator(`tr[data-token="${made.id}"]`);
    await row.locator('[data-action="narrow"]').click();
    const form = page.locator(`form[data-narrow="${made.id}"]`);
    // only narrower choices are offered
    expect(await form.locator('select[data-item="0"] option').allTextContents()).toEqual(['full', 'write', 'read', 'remove']);
    expect(await form.locator('select[data-item="1"] option').allTextContents()).toEqual(['write', 'read', 'remove']);
    await form.locator('select[data-item="0"]').selectOption('read');
    await form.locator('select[data-item="1"]').selectOption('drop');
    await page.screenshot({ path: shot('manage', '5-narrow.png'), fullPage: true });
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => row.locator('.chips').textContent()).toBe('rooms:alpha:readcreate_rooms');
    expect((await tokenById(made.id)).scope).toBe('rooms:alpha:read create_rooms');
    expect((await holder.get('/rooms/beta/context')).body.error).toBe('scope_denied');
    expect((await holder.get('/rooms/alpha/context')).status).toBe(200);
    await page.screenshot({ path: shot('manage', '6-narrowed.png'), fullPage: true });
    // removing everything is refused on the page (revoking is the way)
    await row.locator('[data-action="narrow"]').click();
    for (const i of [0, 1]) await form.locator(`select[data-item="${i}"]`).selectOption('drop');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator('.error').textContent()).toContain('revoke it instead');
    expect((await tokenById(made.id)).scope).toBe('rooms:alpha:read create_rooms');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a new user with no rooms and no tokens where to start', async () => {
    const { context, page, problems } = await open(await signedInSession(served.app, 'carol'));
    await page.goto(`${base}/manage`);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('#no-rooms').textContent()).toContain('no role in any room');
    expect(await page.locator('#no-tokens').textContent()).toContain('No tokens yet');
    await page.click('#mint-submit');
    expect(await page.locator('#mint-form .error').textContent()).toContain('Pick at least one');
    await page.screenshot({ path: shot('manage', '0-new-user.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a signed-out visitor to /signin?next=/manage', async () => {
    const { context, page } = await open(null);
    await page.goto(`${base}/manage`);
    await page.waitForURL((url) => url.pathname === '/signin');
    expect(new URL(page.url()).search).toBe('?next=%2Fmanage');
    await context.close();
  });

  it('refuses a POST from a page on another origin, even with the session cookie', async () => {
    const before = (await sessionGet('/tokens')).body.tokens.length;
    // Chromium's own guard (local network access) would stop the request before it reaches the
    // server; with it off, the server's Origin check is what refuses it.
    const unguarded = await launch(['--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults']);
    const context = await unguarded.newContext();
    await context.addCookies([browserCookie(ada, base)]);
    const page = await context.newPage();
    // An attacker's page on another port of the same host: same site, so the browser sends the
    // SameSite=Lax session cookie along; only the Origin tells the server it is not its own page.
    const attacker = `http://localhost:${Number(new URL(base).port) === 1 ? 2 : 1}`;
    await page.route(`${attacker}/attack`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>attack</title>' }));
    await page.goto(`${attacker}/attack`);
    // From here on the browser talks to the real server alone (preflights included).
    await page.unrouteAll();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // What reached the server: which requests carried the session cookie, and how it answered them.
    const withCookie = new Set<string>();
    const statuses: number[] = [];
    cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
      if (Object.entries(e.headers).some(([h, v]) => h.toLowerCase() === 'cookie' && String(v).includes(ada.secret))) withCookie.add(e.requestId);
    });
    cdp.on('Network.responseReceivedExtraInfo', (e) => withCookie.has(e.requestId) && statuses.push(e.statusCode));
    const outcome = await page.evaluate(async (url) => {
      const attempts = [
        // a "simple" request: no preflight, the browser sends it with the cookie
        fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ scope: 'tokens:manage' }) }),
        // JSON needs a preflight, which the server grants no other origin
        fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'tokens:manage' }) }),
      ];
      return Promise.all(attempts.map((p) => p.then((r) => `read ${r.status}`, () => 'blocked')));
    }, `${base}/tokens`);
    expect(outcome).toEqual(['blocked', 'blocked']);
    // the simple POST reached the server with the cookie and was refused there, by its Origin
    await expect.poll(() => statuses).toEqual([403]);
    expect((await sessionGet('/tokens')).body.tokens.length).toBe(before);
    await unguarded.close();
    // Without a browser: the cookie with a foreign Origin is refused, with the server's own accepted.
    const post = (origin: string) => new TestClient(base).request('POST', '/tokens', { scope: 'rooms:alpha:read' }, { cookie: ada.cookie, origin });
    expect((await post(attacker)).body.error).toBe('origin_not_allowed');
    expect((await post(base)).status).toBe(201);
  });

  it.skipIf(!hasSignOut)('signs out: the session ends on the server and the page goes to /signin', async () => {
    const own = await signedInSession(served.app, 'ada');
    const { context, page } = await open(own);
    await page.goto(`${base}/manage`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.click('#sign-out');
    await page.waitForURL((url) => url.pathname === '/signin');
    expect((await sessionGet('/auth/session', own)).status).toBe(401);
    await context.close();
  });
});
