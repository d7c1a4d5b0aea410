// `agent-sync login`'s polling (RFC 8628 §3.5) against an in-process server whose clock the test
// holds: it waits `interval` between polls, slows down by what slow_down says, stops on denial and
// on expiry, and returns the tokens once the user approves. The sleeps are recorded, not slept.
import { afterAll, describe, expect, it } from 'vitest';
import { AgentSyncClient } from '../../src/client/index.js';
import { deviceLogin } from '../../src/cli/login-commands.js';
import type { Out } from '../../src/cli/output.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { inProcessApp } from '../support/in-process.js';

const apps: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

function setup() {
  const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
  const t = inProcessApp({ clock, args: ['--local-mode', 'off'] });
  apps.push(t.app);
  const client = new AgentSyncClient({ baseUrl: 'http://local', fetch: async (url, init) => t.app.http.request(String(url), init) });
  const printed: string[] = [];
  const out: Out = { json: false, write: (s) => void printed.push(s), error: (s) => void printed.push(s) };
  return { t, clock, client, printed, out };
}

describe('agent-sync login polling', () => {
  it('waits the interval, slows down when told (the server clock stands still, so each poll is too soon), and gets the tokens once approved', async () => {
    const { t, clock, client, printed, out } = setup();
    const ada = await t.app.identity.createUser('ada');
    const sleeps: number[] = [];
    let userCode = '';
    const grant = await deviceLogin(client, { scope: 'create_rooms', clientId: 'test' }, out, async (ms) => {
      sleeps.push(ms);
      userCode ||= /the code (\S+)/.exec(printed.join('\n'))![1]!;
      // after three polls the user approves, and the server's clock moves past the interval
      if (sleeps.length === 4) {
        await t.app.identity.approveDevice({ kind: 'session', userId: ada.id }, userCode);
        clock.advance(60_000);
      }
    });
    expect(grant.scope).toBe('create_rooms');
    // 5 s, then pending (first poll), then slow_down twice: the interval grows to what the server says
    expect(sleeps).toEqual([5000, 5000, 10_000, 15_000]);
    expect(printed[0]).toMatch(/^To sign in, open \S+\/auth\/device and enter the code [A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });

  it('stops with a sentence when the request is denied, and when it expires', async () => {
    const { t, clock, client, out, printed } = setup();
    const ada = await t.app.identity.createUser('ada');
    const denied = deviceLogin(client, { clientId: 'test' }, out, async () => {
      const code = /the code (\S+)/.exec(printed.join('\n'))![1]!;
      await t.app.identity.denyDevice({ kind: 'session', userId: ada.id }, code).catch(() => {});
      clock.advance(10_000);
    });
    await expect(denied).rejects.toThrow('denied');
    const expired = deviceLogin(client, { clientId: 'test' }, out, async () => void clock.advance(1_000_000));
    await expect(expired).rejects.toThrow('expired');
  });
});
