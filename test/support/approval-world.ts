// An in-process server for the approval routes (device, elevate) with its identity store on SQLite
// or PostgreSQL, a manual clock, a public URL, a signed-in user, and a `page()` helper that posts
// the way this server's own pages do (session cookie, public Origin). Call `closeWorlds` afterAll.
import { ManualClock } from '../../src/core/ports/clock.js';
import { inProcessApp, type TestApp } from './in-process.js';
import type { JsonResponse } from './http-client.js';
import { onClose } from './identity-backends.js';
import { signedInSession, type TestSession } from './sessions.js';

export { closeIdentityBackends as closeWorlds, IDENTITY_BACKENDS } from './identity-backends.js';

export const PUBLIC = 'https://sync.example';

export interface World extends TestApp {
  clock: ManualClock;
  ada: TestSession;
  /** A POST from this server's own page: the session cookie, the public Origin and Host. */
  page(path: string, body: unknown, session?: TestSession, origin?: string): Promise<JsonResponse>;
  start(scope?: string): Promise<{ device_code: string; user_code: string }>;
  poll(deviceCode: string): Promise<JsonResponse>;
}

export async function world(args: string[]): Promise<World> {
  const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
  // Not local mode: no Host check, so a test can send any Host (the public URL must not follow it).
  const t = inProcessApp({ clock, args: ['--public-url', PUBLIC, '--local-mode', 'off', ...args] });
  onClose(() => t.app.close());
  const ada = await signedInSession(t.app, 'ada');
  return {
    ...t,
    clock,
    ada,
    page: (path, body, session = ada, origin = PUBLIC) => t.client.request('POST', path, body, { cookie: session.cookie, origin, host: new URL(PUBLIC).host }),
    start: async (scope) => (await t.client.post('/auth/device', scope === undefined ? {} : { scope, client_id: 'test-cli' })).body,
    poll: (deviceCode) => t.client.post('/auth/device/token', { device_code: deviceCode }),
  };
}
