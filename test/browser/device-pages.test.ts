// The device approval page and the elevation page in real Chromium, with a passkey session injected
// on an in-process server (test/support/sessions.ts), driven together with real CLI processes:
// `agent-sync login` is approved in the browser and the CLI then creates a room with the token it
// stored (0600, in a 0700 directory); a CLI call refused with scope_denied prints the elevate link,
// the page grants the level, and the CLI's retry succeeds. Screenshots: test-results/screenshots/device/.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { cli, startCli } from '../support/cli.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { browserCookie, signedInSession, type TestSession } from '../support/sessions.js';

const SHOTS = 'device';

describe.skipIf(!runBrowserTests)('device approval and elevation pages (Chromium, CLI processes)', () => {
  let served: ServedApp;
  let browser: Browser;
  let ada: TestSession;
  let config: string;
  let env: Record<string, string>;
  const credentials = () => join(config, 'agent-sync', 'credentials.json');

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    served = await serveInProcess(['--local-mode', 'off']);
    browser = await launch();
    ada = await signedInSession(served.app, 'ada');
    config = mkdtempSync(join(tmpdir(), 'agent-sync-config-'));
    env = { XDG_CONFIG_HOME: config };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (config) rmSync(config, { recursive: true, force: true });
  });

  async function signedInPage(session: TestSession | null = ada): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext();
    if (session) await context.addCookies([browserCookie(session, served.publicUrl)]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && problems.push(m.text()));
    return { context, page, problems };
  }

  it('signed out, the device page sends the visitor to sign in and back to the same code', async () => {
    const { context, page } = await signedInPage(null);
    await page.goto(`${served.publicUrl}/auth/device?user_code=ABCD-EFGH`);
    await page.waitForURL(/\/signin\?next=/);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/auth/device?user_code=ABCD-EFGH');
    await context.close();
  });

  it('agent-sync login: the code is approved in the browser; the CLI stores the token (0600) and creates a room with it', async () => {
    const login = startCli(['login', '--url', served.publicUrl, '--scope', 'rooms:* create_rooms'], env);
    const [, , code] = await login.waitForStderr(/open (\S+) and enter the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
    const complete = (await login.waitForStderr(/\(or open (\S+)\)/))[1]!;
    expect(complete).toBe(`${served.publicUrl}/auth/device?user_code=${code}`);

    const { context, page, problems } = await signedInPage();
    await page.goto(complete);
    await page.locator('#approve').waitFor();
    expect(await page.locator('#code').textContent()).toBe(code);
    expect(await page.locator('#client').textContent()).toBe('agent-sync-cli');
    expect(await page.locator('#requested').textContent()).toBe('rooms:* create_rooms');
    expect(await page.locator('#who').textContent()).toContain('ada');
    await page.screenshot({ path: shot(SHOTS, '1-device-consent.png'), fullPage: true });
    await page.click('#approve');
    await page.getByText('Device authorized').waitFor();
    await page.screenshot({ path: shot(SHOTS, '2-device-approved.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();

    const done = await login.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`logged in to ${served.publicUrl}`);
    expect(statSync(credentials()).mode & 0o777).toBe(0o600);
    expect(statSync(join(config, 'agent-sync')).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(credentials(), 'utf8')) as { servers: Record<string, { access_token: string; scope: string }> };
    expect(stored.servers[served.publicUrl]).toMatchObject({ access_token: expect.stringMatching(/^tok_/), scope: 'rooms:* create_rooms' });

    const created = await cli(['create', 'from-cli', '--url', served.publicUrl], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('room from-cli created');
    expect((await served.app.identityStore.role(ada.userId, 'from-cli'))?.role).toBe('owner');
  }, 60_000);

  it('the page: a typed code, a narrower grant from the form, and a denial', async () => {
    const owner = served.client.as((await served.app.identity.operatorMint(ada.userId, { scope: 'create_rooms' })).token);
    await owner.post('/rooms', { id: 'narrow-a' });
    await owner.post('/rooms', { id: 'narrow-b' });
    const start = (await served.client.post('/auth/device', { scope: 'rooms:*:write create_rooms', client_id: 'robot' })).body;
    const { context, page, problems } = await signedInPage();
    await page.goto(`${served.publicUrl}/auth/device`);
    await page.locator('#user-code').fill('nope');
    await page.click('#code-form button[type=submit]');
    expect(await page.locator('#code-error').textContent()).toContain('eight');
    await page.locator('#user-code').fill('QQQQ-QQQQ');
    await page.click('#code-form button[type=submit]');
    await expect.poll(() => page.locator('#code-error').textContent()).toContain('No pending request');
    await page.screenshot({ path: shot(SHOTS, '3-device-wrong-code.png'), fullPage: true });
    await page.locator('#user-code').fill(start.user_code.toLowerCase());
    await page.click('#code-form button[type=submit]');
    await page.locator('#approve').waitFor();
    // narrow: not every room, only narrow-a and read only; no room creation
    await page.uncheck('[data-grant="*"]');
    await page.check('[data-grant="narrow-a"]');
    await page.selectOption('[data-level="narrow-a"]', 'read');
    await page.uncheck('[data-grant="create_rooms"]');
    expect(await page.locator('#granted').textContent()).toBe('Will grant: rooms:narrow-a:read');
    // the form offers no level above the request
    expect(await page.locator('[data-level="narrow-b"] option').allTextContents()).toEqual(['read', 'read and write']);
    await page.screenshot({ path: shot(SHOTS, '4-device-narrowed.png'), fullPage: true });
    await page.click('#approve');
    await page.getByText('Device authorized').waitFor();
    const grant = (await served.client.post('/auth/device/token', { device_code: start.device_code })).body;
    expect(grant.scope).toBe('rooms:narrow-a:read');

    // an empty selection cannot be approved (never widened to everything)
    const second = (await served.client.post('/auth/device', { scope: 'rooms:narrow-b' })).body;
    await page.goto(`${served.publicUrl}/auth/device?user_code=${second.user_code}`);
    await page.locator('#approve').waitFor();
    await page.uncheck('[data-grant="narrow-b"]');
    expect(await page.locator('#approve').isDisabled()).toBe(true);
    await page.click('#deny');
    await page.getByText('Request denied').waitFor();
    await page.screenshot({ path: shot(SHOTS, '5-device-denied.png'), fullPage: true });
    const polled = await served.client.post('/auth/device/token', { device_code: second.device_code });
    expect(polled.body.error).toBe('access_denied');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('elevation: the CLI prints the link and waits; the page grants a level within the role; the CLI retry succeeds', async () => {
    // A room ada owns that the CLI's token (rooms:* … ) would reach — so make one it cannot: a token of its own scope.
    const owner = served.client.as((await served.app.identity.operatorMint(ada.userId, { scope: 'create_rooms' })).token);
    await owner.post('/rooms', { id: 'lab' });
    const narrow = await served.app.identity.operatorMint(ada.userId, { scope: 'rooms:from-cli', label: 'narrow cli' });
    const refusedAtOnce = await cli(['context', 'lab', '--url', served.publicUrl, '--token', narrow.token, '--no-wait-for-approval'], env);
    expect(refusedAtOnce.code).toBe(1);
    expect(refusedAtOnce.stderr).toContain(`to grant access, open ${served.publicUrl}/auth/elevate?token_id=${narrow.id}&room=lab`);

    const waiting = startCli(['context', 'lab', '--only', 'agents', '--url', served.publicUrl, '--token', narrow.token, '--approval-timeout', '60'], env);
    const link = (await waiting.waitForStderr(/to grant access, open (\S+)/))[1]!;
    await waiting.waitForStderr(/waiting up to 60 s/);
    const { context, page, problems } = await signedInPage();
    await page.goto(link);
    await page.locator('#approve').waitFor();
    expect(await page.locator('#token-label').textContent()).toBe('narrow cli');
    expect(await page.locator('#token-scope').textContent()).toBe('rooms:from-cli');
    expect(await page.locator('#role').textContent()).toBe('owner');
    expect(await page.locator('#level option').allTextContents()).toEqual(['read', 'read and write', 'full (admin)']);
    await page.selectOption('#level', 'read');
    await page.screenshot({ path: shot(SHOTS, '6-elevate.png'), fullPage: true });
    await page.click('#approve');
    await page.getByText('Access granted').waitFor();
    await page.screenshot({ path: shot(SHOTS, '7-elevate-granted.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
    const done = await waiting.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toHaveProperty('agents');
    const token = (await served.app.identity.list({ kind: 'session', userId: ada.userId })).tokens.find((t) => t.id === narrow.id)!;
    expect(token.scope).toBe('rooms:from-cli rooms:lab:read');
  }, 60_000);

  it("elevation page refusals: another user's token, a revoked token, an incomplete link", async () => {
    const bob = await signedInSession(served.app, 'bob');
    const bobs = await served.app.identity.operatorMint(bob.userId, { scope: 'create_rooms' });
    const { context, page } = await signedInPage();
    await page.goto(`${served.publicUrl}/auth/elevate?token_id=${bobs.id}&room=lab`);
    await page.getByText('Cannot grant this').waitFor();
    expect(await page.locator('[role=alert]').textContent()).toContain('No such token of yours');
    await page.screenshot({ path: shot(SHOTS, '8-elevate-not-yours.png'), fullPage: true });
    const mine = await served.app.identity.operatorMint(ada.userId, { scope: 'create_rooms' });
    await served.app.identity.revoke({ kind: 'session', userId: ada.userId }, mine.id);
    await page.goto(`${served.publicUrl}/auth/elevate?token_id=${mine.id}&room=lab`);
    await page.getByText('Cannot grant this').waitFor();
    expect(await page.locator('[role=alert]').textContent()).toContain('revoked');
    await page.goto(`${served.publicUrl}/auth/elevate?room=lab`);
    await page.getByText('Incomplete link').waitFor();
    await context.close();
  }, 60_000);

  it('the stored login is refreshed when it expires (two commands at once spend the refresh token once), and logout revokes it', async () => {
    const before = JSON.parse(readFileSync(credentials(), 'utf8')) as { servers: Record<string, { access_token: string; expires_at: string }> };
    const entry = before.servers[served.publicUrl]!;
    writeFileSync(credentials(), JSON.stringify({ ...before, servers: { [served.publicUrl]: { ...entry, expires_at: new Date(Date.now() - 1000).toISOString() } } }), { mode: 0o600 });
    const [a, b] = await Promise.all([cli(['rooms', '--url', served.publicUrl], env), cli(['rooms', '--url', served.publicUrl], env)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    expect(a.stdout).toContain('from-cli');
    const after = JSON.parse(readFileSync(credentials(), 'utf8')) as { servers: Record<string, { access_token: string }> };
    const renewed = after.servers[served.publicUrl]!.access_token;
    expect(renewed).not.toBe(entry.access_token);
    expect(statSync(credentials()).mode & 0o777).toBe(0o600);
    // the family is intact (no replay happened): the new token works, the old one is retired
    expect((await served.client.as(renewed).get('/rooms')).status).toBe(200);
    expect((await served.client.as(entry.access_token).get('/rooms')).body.error).toBe('invalid_token');

    const out = await cli(['logout', '--url', served.publicUrl], env);
    expect(out.stdout).toContain('the token is revoked');
    expect((await served.client.as(renewed).get('/rooms')).body.error).toBe('invalid_token');
    expect(JSON.parse(readFileSync(credentials(), 'utf8')).servers).toEqual({});
    const signedOut = await cli(['rooms', '--url', served.publicUrl], env);
    expect(signedOut.stderr).toContain('authentication_required');
  }, 60_000);
});
