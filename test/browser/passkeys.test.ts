// Passkeys in real Chromium with a CDP virtual authenticator: create an account on /signin, sign
// out (the session ends server-side), sign in again, add a second passkey, remove one, and recover
// an account on /recover with a recovery code after losing every passkey. Screenshots go to
// test-results/screenshots/passkeys/.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { serveInProcess, type ServedApp } from '../support/in-process-server.js';
import { addVirtualAuthenticator, passkeyOrigin, registerAccount, signInWithPasskey } from '../support/passkeys.js';

const BUILT = resolve(import.meta.dirname, '../../dist/web/signin.html');
const pic = (file: string) => shot('passkeys', file);

describe.skipIf(!runBrowserTests)('passkeys (Chromium, virtual authenticator)', () => {
  let server: ServedApp;
  let browser: Browser;
  let origin: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    if (!existsSync(BUILT)) throw new Error('The web pages are not built: run npm run build');
    server = await serveInProcess();
    origin = passkeyOrigin(server.url);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    return { page, problems };
  }

  const sessionUser = async (page: Page) => page.evaluate(async () => {
    const res = await fetch('/auth/session');
    return res.ok ? ((await res.json()) as { user: { username: string } }).user.username : res.status;
  });

  it('creates an account, signs out server-side, signs in, adds a second passkey and removes one', async () => {
    const { page, problems } = await openPage();
    const authenticator = await addVirtualAuthenticator(page);
    await page.goto(`${origin}/signin?next=${encodeURIComponent('/signin')}`);
    await page.fill('#username', 'Ada');
    await page.screenshot({ path: pic('1-signin.png'), fullPage: true });
    await registerAccount(page, server.url, 'ada', '/signin?from=register');
    expect(await sessionUser(page)).toBe('ada');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sync_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect(await page.evaluate('document.cookie')).not.toContain('sync_session');
    await page.locator('#passkeys-panel li.passkey').first().waitFor();
    await page.screenshot({ path: pic('2-signed-in.png'), fullPage: true });

    // Sign out: the old cookie value is dead on the server too.
    await page.click('#signout');
    await page.locator('#signin-card:not([hidden])').waitFor();
    expect(await sessionUser(page)).toBe(401);
    const stale = await fetch(`${server.url}/auth/session`, { headers: { cookie: `sync_session=${cookie.value}` } });
    expect(stale.status).toBe(401);

    await signInWithPasskey(page, server.url, '/signin?from=signin');
    expect(await sessionUser(page)).toBe('ada');

    // A second passkey on a security key (USB); the built-in authenticator stops answering meanwhile.
    const { cdp, authenticatorId: builtIn } = authenticator;
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: builtIn, enabled: false });
    const { authenticatorId: usbKey } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.locator('#passkey-name').fill('backup key');
    await page.click('#add-passkey');
    await page.locator('#passkeys-panel li.passkey').nth(1).waitFor();
    const listed = await page.evaluate(async () => ((await (await fetch('/auth/passkeys')).json()) as { passkeys: Array<{ id: string; name: string | null }> }).passkeys);
    expect(listed.map((p) => p.name)).toEqual([null, 'backup key']);
    await page.screenshot({ path: pic('3-two-passkeys.png'), fullPage: true });

    await page.click(`#passkeys-panel button[data-passkey="${listed[1]!.id}"]`);
    await expect.poll(() => page.locator('#passkeys-panel li.passkey').count()).toBe(1);
    expect(await page.locator('#passkeys-panel').textContent()).toContain('only passkey');
    // The security key held the removed passkey; without it, the built-in one still signs in.
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId: usbKey })).credentials).toHaveLength(1);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: usbKey });
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: builtIn, enabled: true });
    await page.click('#signout');
    await page.locator('#signin-card:not([hidden])').waitFor();
    await signInWithPasskey(page, server.url, '/signin?from=after-removal');
    expect(await sessionUser(page)).toBe('ada');
    expect(problems).toEqual([]);
  });

  it('recovers an account with a recovery code after every passkey is lost; the code works once', async () => {
    const { page } = await openPage();
    await registerAccount(page, server.url, 'bob', '/signin?from=bob');
    await page.click('#create-recovery-code');
    const code = (await page.locator('#new-recovery-code code.secret').textContent())!;
    expect(code).toMatch(/^recover_/);
    await page.screenshot({ path: pic('4-recovery-code.png'), fullPage: true });

    // A new browser with a new authenticator: bob's passkey is gone.
    const { page: lost, problems } = await openPage();
    await addVirtualAuthenticator(lost);
    await lost.goto(`${origin}/recover`);
    await lost.fill('#code', code);
    await lost.screenshot({ path: pic('5-recover-code.png'), fullPage: true });
    await lost.click('#code-button');
    await lost.locator('#register-step:not([hidden])').waitFor();
    expect(await lost.locator('#who').textContent()).toBe('bob');
    expect(await sessionUser(lost)).toBe(401); // a recovery session is not a sign-in
    await lost.screenshot({ path: pic('6-recover-register.png'), fullPage: true });
    await lost.click('#register-button');
    await lost.locator('#done:not([hidden])').waitFor();
    await lost.screenshot({ path: pic('7-recovered.png'), fullPage: true });
    expect(await sessionUser(lost)).toBe('bob');
    const names = await lost.evaluate(async () => ((await (await fetch('/auth/passkeys')).json()) as { passkeys: Array<{ name: string | null }> }).passkeys.map((p) => p.name));
    expect(names).toEqual([null, 'recovered']);

    // The code is used up.
    await lost.goto(`${origin}/recover`);
    await lost.fill('#code', code);
    await lost.click('#code-button');
    await expect.poll(() => lost.locator('#error').textContent()).toMatch(/unknown, expired or already used/);
    expect(problems).toEqual([]);

    // And the new passkey signs bob in from then on.
    await lost.evaluate(() => fetch('/auth/signout', { method: 'POST' }));
    await signInWithPasskey(lost, server.url, '/signin?again=1');
    expect(await sessionUser(lost)).toBe('bob');
  });
});
