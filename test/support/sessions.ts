// A signed-in passkey session for tests that drive pages or session-only routes on an in-process
// server: the user is created through the identity service and the session started the way the
// passkey ceremony ends. (test/browser tests of the ceremony itself use a virtual authenticator.)
import type { App } from '../../src/server/app.js';
import { SESSION_COOKIE } from '../../src/server/http/identity-routes.js';

export interface TestSession {
  userId: string;
  username: string;
  /** The cookie's value (the session secret). */
  secret: string;
  /** A ready `Cookie:` header value. */
  cookie: string;
}

export async function signedInSession(app: App, username: string): Promise<TestSession> {
  const existing = (await app.identity.listUsers()).find((u) => u.username === username);
  const user = existing ?? (await app.identity.createUser(username));
  const { secret } = await app.identity.startSession(user.id);
  return { userId: user.id, username: user.username, secret, cookie: `${SESSION_COOKIE}=${secret}` };
}

/** The cookie for a Playwright browser context (`context.addCookies([...])`). */
export function browserCookie(session: TestSession, url: string): { name: string; value: string; url: string } {
  return { name: SESSION_COOKIE, value: session.secret, url };
}
