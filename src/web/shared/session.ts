// The passkey session as pages see it: the HttpOnly cookie is invisible to scripts, so a page asks
// the server who is signed in. A page that needs a session sends a signed-out visitor to the
// sign-in page, which comes back to the same path and query afterwards.
import { AgentSyncClient, isAgentSyncError } from '../../client/index.js';
import type { SessionInfo } from '../../protocol/wire/identity.js';

/** The SDK on this origin with no bearer: the session cookie travels by itself (same origin). */
export const pageClient = (): AgentSyncClient => new AgentSyncClient({ baseUrl: location.origin });

/** The signed-in user, or null when signed out. */
export async function currentSession(client = pageClient()): Promise<SessionInfo | null> {
  try {
    return await client.sessionInfo();
  } catch (error) {
    if (isAgentSyncError(error) && error.status === 401) return null;
    throw error;
  }
}

/** Where the sign-in page sends a visitor back to: this page's own path and query, never another origin. */
export function signInUrl(next = location.pathname + location.search): string {
  return `/signin?next=${encodeURIComponent(next)}`;
}

/** The signed-in user; a signed-out visitor is sent to the sign-in page (the promise never settles then). */
export async function requireSession(client = pageClient()): Promise<SessionInfo> {
  const session = await currentSession(client);
  if (session) return session;
  location.assign(signInUrl());
  return new Promise<never>(() => {});
}
