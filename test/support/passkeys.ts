// Passkeys in real Chromium for page tests: a CDP virtual authenticator (CTAP2, internal, resident
// keys, user verification) answers the WebAuthn prompts, so the real ceremony runs end to end.
// WebAuthn needs a domain as relying party, so a base URL on 127.0.0.1 is opened as localhost (the
// server's default public URL is http://localhost:<port>); the page ends up on that origin.
import type { CDPSession, Page } from 'playwright-core';

const authenticators = new WeakMap<Page, { cdp: CDPSession; authenticatorId: string }>();

/** Add a virtual authenticator to this page (its passkeys live as long as it does). */
export async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const added = { cdp, authenticatorId };
  if (!authenticators.has(page)) authenticators.set(page, added);
  return added;
}

/** The page's first virtual authenticator, added now if it has none. */
async function ensureAuthenticator(page: Page): Promise<void> {
  if (!authenticators.has(page)) await addVirtualAuthenticator(page);
}

/** The origin pages are opened on: the same server, with localhost for a loopback IP. */
export function passkeyOrigin(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') url.hostname = 'localhost';
  return url.origin;
}

async function arriveAt(page: Page, origin: string, next: string): Promise<void> {
  const target = new URL(next, origin);
  await page.waitForURL((u) => u.origin === origin && u.pathname === target.pathname && u.search === target.search);
}

/** Open /signin?next=…, create the account `username` with a passkey, and wait until the page is at `next`. */
export async function registerAccount(page: Page, baseUrl: string, username: string, next = '/manage'): Promise<void> {
  await ensureAuthenticator(page);
  const origin = passkeyOrigin(baseUrl);
  await page.goto(`${origin}/signin?next=${encodeURIComponent(next)}`);
  await page.fill('#username', username);
  await Promise.all([arriveAt(page, origin, next), page.click('#register-button')]);
}

/** Open /signin?next=…, sign in with the page's passkey, and wait until the page is at `next`. */
export async function signInWithPasskey(page: Page, baseUrl: string, next = '/manage'): Promise<void> {
  await ensureAuthenticator(page);
  const origin = passkeyOrigin(baseUrl);
  await page.goto(`${origin}/signin?next=${encodeURIComponent(next)}`);
  await Promise.all([arriveAt(page, origin, next), page.click('#signin-button')]);
}
