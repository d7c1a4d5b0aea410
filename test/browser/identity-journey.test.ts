// Issue 10, must-show 1, against a real server process in real Chromium: a user registers a
// passkey (CDP virtual authenticator); `agent-sync login` (a real CLI process) is approved on the
// device page and the CLI creates a room with the token it stored; a CLI call outside the token's
// scope prints the elevate link, the user grants it on the elevation page, and the CLI's retry
// succeeds; /manage mints a token and revokes it. A screenshot of each page:
// test-results/screenshots/identity-journey/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { cli, startCli } from '../support/cli.js';
import { passkeyOrigin, registerAccount } from '../support/passkeys.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';

const SHOTS = 'identity-journey';

describe.skipIf(!runBrowserTests)('identity journey: passkey, device login, CLI room, elevation (real server, Chromium)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let origin: string;
  let config: string;

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    server = await startServer();
    origin = passkeyOrigin(server.url);
    browser = await launch();
    config = mkdtempSync(join(tmpdir(), 'agent-sync-journey-'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
    if (config) rmSync(config, { recursive: true, force: true });
  });

  it('registers a passkey, approves agent-sync login, creates a room from the CLI, approves an elevation the CLI waits for, mints and revokes on /manage', async () => {
    const env = { XDG_CONFIG_HOME: config };
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));

    // 1. a passkey account (the first user ends local mode)
    await page.goto(`${origin}/signin?next=/auth/device`);
    await page.screenshot({ path: shot(SHOTS, '1-signin.png'), fullPage: true });
    await registerAccount(page, server.url, 'ada', '/auth/device');
    await page.locator('#user-code').waitFor();
    await page.screenshot({ path: shot(SHOTS, '2-device-code-entry.png'), fullPage: true });

    // 2. agent-sync login, approved in the browser by typing the code
    const login = startCli(['login', '--url', origin, '--scope', 'create_rooms'], env);
    const code = (await login.waitForStderr(/enter the code ([A-Z0-9]{4}-[A-Z0-9]{4})/))[1]!;
    await page.locator('#user-code').fill(code);
    await page.click('#code-form button[type=submit]');
    await page.locator('#approve').waitFor();
    expect(await page.locator('#requested').textContent()).toBe('create_rooms');
    await page.screenshot({ path: shot(SHOTS, '3-device-consent.png'), fullPage: true });
    await page.click('#approve');
    await page.getByText('Device authorized').waitFor();
    await page.screenshot({ path: shot(SHOTS, '4-device-approved.png'), fullPage: true });
    const loggedIn = await login.exited;
    expect(loggedIn.code, loggedIn.stderr).toBe(0);

    // 3. the CLI creates a room with the stored token (its user owns it)
    const created = await cli(['create', 'journey', '--url', origin], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('room journey created');

    // 4. a room ada owns that the CLI's token does not reach: made with an operator token
    const operator = (await cli(['token', 'create', '--scope', 'create_rooms', '--data-dir', server.dataDir])).stdout.trim();
    expect((await new TestClient(server.url).as(operator).post('/rooms', { id: 'elsewhere' })).status).toBe(201);
    const waiting = startCli(['context', 'elsewhere', '--only', 'agents', '--url', origin, '--approval-timeout', '90'], env);
    const link = (await waiting.waitForStderr(/to grant access, open (\S+)/))[1]!;
    expect(link.startsWith(`${origin}/auth/elevate?token_id=`)).toBe(true);
    await page.goto(link);
    await page.locator('#approve').waitFor();
    expect(await page.locator('#role').textContent()).toBe('owner');
    await page.selectOption('#level', 'write');
    await page.screenshot({ path: shot(SHOTS, '5-elevate.png'), fullPage: true });
    await page.click('#approve');
    await page.getByText('Access granted').waitFor();
    await page.screenshot({ path: shot(SHOTS, '6-elevate-granted.png'), fullPage: true });
    const retried = await waiting.exited;
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toHaveProperty('agents');

    // 5. /manage mints a token with a picked scope and revokes it
    await page.goto(`${origin}/manage`);
    await page.selectOption('select[name="room:journey"]', 'read');
    await page.fill('#mint-label', 'journey bot');
    expect(await page.locator('#mint-preview').textContent()).toBe('rooms:journey:read');
    await page.click('#mint-submit');
    const secret = (await page.locator('#minted-token').textContent())!;
    await page.screenshot({ path: shot(SHOTS, '7-manage-minted.png'), fullPage: true });
    const holder = new TestClient(server.url).as(secret);
    expect((await holder.get('/rooms/journey/context')).status).toBe(200);
    await page.click('#minted-done');
    const row = page.locator('tr', { hasText: 'journey bot' });
    await row.locator('[data-action="revoke"]').click();
    await row.locator('[data-confirm]').click();
    await row.locator('[data-status="revoked"]').waitFor();
    await page.screenshot({ path: shot(SHOTS, '8-manage-revoked.png'), fullPage: true });
    expect((await holder.get('/rooms/journey/context')).body.error).toBe('invalid_token');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
