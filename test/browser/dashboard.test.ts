// The room dashboard in real Chromium: built by Vite, served with a strict CSP, opened with a
// view token from the link's fragment; it follows the room live and shows hostile values as text.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, runBrowserTests, shot } from '../support/browser.js';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';


describe.skipIf(!runBrowserTests)('room dashboard (Chromium)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: TestClient;
  let viewToken: string;

  beforeAll(async () => {
    if (!hasChromium) throw new Error('Chromium is missing: install Debian chromium (.ci/run does)');
    // The page under test is the one the sources build now.
    server = await startServer();
    browser = await launch();
    const anon = new TestClient(server.url);
    const room = (await anon.post('/rooms', { id: 'dash' })).body;
    admin = anon.as(room.token);
    viewToken = room.view_token;
    const alice = anon.as((await anon.post('/rooms/dash/agents', { id: 'alice', name: 'Alice' })).body.token);
    await alice.invoke('dash', '_register_action', { id: 'note', params: { text: { type: 'any' } }, writes: [{ scope: '_shared', key: 'note', value: '${params.text}' }] });
    await alice.invoke('dash', 'note', { text: 'first' });
    await alice.invoke('dash', '_send_message', { body: 'hello from alice' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    return { page, problems };
  }

  it('opens with the view token from the link, hides it from the URL, and shows the room', async () => {
    const { page, problems } = await openPage();
    const response = await page.goto(`${server.url}/rooms/dash/dashboard#token=${viewToken}`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('[data-agent="alice"]').waitFor();
    expect(page.url()).not.toContain(viewToken);
    await page.screenshot({ path: shot('dashboard', '1-agents.png'), fullPage: true });
    await page.click('[data-tab="state"]');
    await expect.poll(() => page.locator('[data-scope="_shared"] [data-key="note"]').textContent()).toContain('first');
    await page.click('[data-tab="messages"]');
    await expect.poll(() => page.locator('ol.messages').textContent()).toContain('hello from alice');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows the room live: a change made over HTTP appears without reloading', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/rooms/dash/dashboard#token=${viewToken}`);
    await page.locator('[data-agent="alice"]').waitFor();
    await page.click('[data-tab="state"]');
    await admin.invoke('dash', 'note', { text: 'second' }, { agent: 'alice' });
    await expect.poll(() => page.locator('[data-key="note"]').textContent(), { timeout: 15_000 }).toContain('second');
    await page.screenshot({ path: shot('dashboard', '2-state-live.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows markup an agent wrote as text: nothing it writes runs in a reader’s browser', async () => {
    await admin.invoke('dash', 'note', { text: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>' }, { agent: 'alice' });
    await admin.invoke('dash', '_send_message', { body: '<b onmouseover="window.__pwned=3">bold?</b>' }, { agent: 'alice' });
    const { page } = await openPage();
    await page.goto(`${server.url}/rooms/dash/dashboard#token=${viewToken}`);
    await page.locator('[data-agent="alice"]').waitFor();
    await page.click('[data-tab="state"]');
    await expect.poll(() => page.locator('[data-key="note"]').textContent()).toContain('<img src=x');
    await page.click('[data-tab="messages"]');
    await expect.poll(() => page.locator('ol.messages').textContent()).toContain('<b onmouseover');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('ol.messages b, [data-key="note"] img').count()).toBe(0);
    await page.screenshot({ path: shot('dashboard', '3-hostile-text.png'), fullPage: true });
    await page.close();
  });

  it('refuses a bad token at the gate, and evaluates CEL with a good one', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/rooms/dash/dashboard`);
    await page.fill('#token', 'view_not_a_real_token');
    await page.click('#gate-form button');
    await expect.poll(() => page.locator('#gate-error').textContent()).toContain('not valid');
    await page.fill('#token', viewToken);
    await page.click('#gate-form button');
    await page.locator('[data-tab="cel"]').click();
    await page.fill('#cel-expr', 'size(agents)');
    await page.click('#cel-form button');
    await expect.poll(() => page.locator('#cel-output').textContent()).toBe('1');
    await page.screenshot({ path: shot('dashboard', '4-cel.png'), fullPage: true });
    // The failed token check is the only console error a browser logs (the 401 of its request).
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
  });
});
