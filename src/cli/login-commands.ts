// `agent-sync login` and `logout`: the device flow (RFC 8628) from the terminal. The command prints
// the approval link and the code (it opens nothing by itself), polls at the server's interval,
// slowing down when told to, and stores the access and refresh tokens for the server URL in the
// user's config directory (credentials.ts); client commands then use them when no --token is given.
import type { Command } from 'commander';
import { AgentSyncClient, isAgentSyncError, type TokenGrant } from '../client/index.js';
import type { GlobalOptions } from './connect.js';
import { credentialsPath, loginFromGrant, saveLogin, storedLogin } from './credentials.js';
import { show, stdio, type Out } from './output.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function addLoginCommands(program: Command): void {
  program
    .command('login')
    .description('sign in through your browser (device flow): prints a link and a code to approve on the server, then keeps the token for --url in ~/.config/agent-sync (or $XDG_CONFIG_HOME), used when no --token is given')
    .option('--scope <scope>', 'what to ask for, e.g. "rooms:my-room create_rooms" (default: the server\'s, "rooms:* create_rooms"); the approval page can grant less, never more')
    .option('--client-id <name>', 'the name the approval page shows', 'agent-sync-cli')
    .action(async (o: { scope?: string; clientId: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = stdio(Boolean(globals.json));
      const grant = await deviceLogin(new AgentSyncClient({ baseUrl: globals.url }), { scope: o.scope, clientId: o.clientId }, out);
      const login = loginFromGrant(grant);
      saveLogin(globals.url, login);
      show(out, { server: globals.url, scope: login.scope, expires_at: login.expires_at, stored_in: credentialsPath() }, (r) => `logged in to ${r.server} (scope: ${r.scope}); the token is kept in ${r.stored_in}`);
    });

  program
    .command('logout')
    .description('forget the token `agent-sync login` stored for --url, and revoke it on the server (with its refresh token)')
    .action(async (_o, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = stdio(Boolean(globals.json));
      const login = storedLogin(globals.url);
      if (!login) {
        show(out, { server: globals.url, logged_out: false }, (r) => `not logged in to ${r.server}`);
        return;
      }
      let revoked = true;
      try {
        await new AgentSyncClient({ baseUrl: globals.url, retry: { retries: 1 } }).revokeHeldToken(login.refresh_token);
      } catch (error) {
        revoked = false;
        out.error(`agent-sync: could not revoke the token on the server (${isAgentSyncError(error) ? error.summary : String(error)}); it is forgotten here and expires by itself`);
      }
      saveLogin(globals.url, null);
      show(out, { server: globals.url, logged_out: true, revoked }, (r) => `logged out of ${r.server}${r.revoked ? '; the token is revoked' : ''}`);
    });
}

/** Start device authorization, tell the user where to approve it, and poll until it ends (`wait` sleeps between polls). */
export async function deviceLogin(client: AgentSyncClient, ask: { scope?: string; clientId: string }, out: Out, wait: (ms: number) => Promise<unknown> = sleep): Promise<TokenGrant> {
  const start = await client.startDeviceAuth({ ...(ask.scope ? { scope: ask.scope } : {}), client_id: ask.clientId });
  out.error(`To sign in, open ${start.verification_uri} and enter the code ${start.user_code}`);
  out.error(`(or open ${start.verification_uri_complete})`);
  out.error('Waiting for the approval…');
  let interval = start.interval;
  const deadline = Date.now() + start.expires_in * 1000;
  for (;;) {
    await wait(interval * 1000);
    try {
      return await client.pollDeviceAuth(start.device_code);
    } catch (error) {
      if (!isAgentSyncError(error)) throw error;
      if (error.code === 'authorization_pending' && Date.now() < deadline) continue;
      if (error.code === 'slow_down') {
        const asked = error.details.interval;
        interval = typeof asked === 'number' && asked > interval ? asked : interval + 5;
        continue;
      }
      if (error.code === 'access_denied') throw new Error('the sign-in was denied on the approval page');
      if (error.code === 'expired_token' || error.code === 'authorization_pending') throw new Error('the code expired before it was approved; run agent-sync login again');
      throw error;
    }
  }
}
