// A closed server's first passkey (docs/decisions.md): the operator creates the user and issues a
// recovery code beside the running server; on /recover the code buys a recovery session that
// registers the user's first passkey and signs them in.
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/cli.js';
import { removeDir, startServer, type ServerProcess } from '../support/server-process.js';
import { softRegister } from '../support/soft-authenticator.js';
import { TestClient } from '../support/http-client.js';
import { storeEnv } from '../support/test-store.js';

describe('operator enrolment on a closed server', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      await s.stop();
      removeDir(s.dataDir);
    }
  });

  it('agent-sync user recovery-code lets a user the operator created register a first passkey', async () => {
    const server = await startServer({ args: ['--registration', 'closed'] });
    servers.push(server);
    const origin = `http://localhost:${new URL(server.url).port}`;
    const client = new TestClient(server.url);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => client.request('POST', path, body, { origin, ...headers });
    expect((await post('/webauthn/register/options', { username: 'ada' })).body.error).toBe('registration_closed');

    // The operator CLI opens the server's store: the data directory, or its PostgreSQL schema.
    const env = await storeEnv(server.dataDir);
    const cli = (args: string[]) => runNode('src/cli/main.ts', [...args, '--data-dir', server.dataDir], env, 60_000);
    expect((await cli(['user', 'create', 'ada'])).code).toBe(0);
    const issued = await cli(['user', 'recovery-code', 'ada']);
    expect(issued.code, issued.stderr).toBe(0);
    const code = issued.stdout.split('\t')[0]!.trim();
    expect(code).toMatch(/^recover_/);

    const redeemed = await post('/recover/validate', { code });
    expect(redeemed.body).toMatchObject({ recovering: true, username: 'ada' });
    const cookie = { cookie: (redeemed.headers.get('set-cookie') ?? '').split(';')[0]! };
    const opts = await post('/webauthn/register/options', {}, cookie);
    const done = await post('/webauthn/register/verify', { challengeId: opts.body.challengeId, response: softRegister(opts.body.options, origin).response }, cookie);
    expect(done.body).toMatchObject({ verified: true, signed_in: true, user: { username: 'ada' } });
    const session = await client.request('GET', '/auth/session', undefined, { cookie: (done.headers.get('set-cookie') ?? '').split(';')[0]! });
    expect(session.body.user.username).toBe('ada');
  }, 120_000);
});
