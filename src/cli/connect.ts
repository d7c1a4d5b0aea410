// How a client command reaches the server: the URL, and a token from --token / AGENT_SYNC_TOKEN or
// else the one `agent-sync login` stored for that URL (refreshed, with rotation, when it is about
// to expire). A call refused with scope_denied and an elevate link prints the link and, unless
// --no-wait-for-approval, repeats every two seconds until the user approves or the wait ends.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AgentSyncClient, isAgentSyncError, type AgentSyncError } from '../client/index.js';
import { isFresh, loginFromGrant, saveLogin, storedLogin, withCredentialsLock } from './credentials.js';
import { stdio, type Out } from './output.js';

export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
  waitForApproval: boolean;
  approvalTimeout: number;
}

export const DEFAULT_URL = 'http://127.0.0.1:8787';
/** Seconds between repeats while an elevation waits for approval. */
export const ELEVATION_POLL_MS = 2000;

function seconds(raw: string): number {
  if (!/^\d{1,6}$/.test(raw)) throw new InvalidArgumentError('a whole number of seconds.');
  return Number(raw);
}

/** The global options every client command takes. */
export function addConnectionOptions(program: Command): void {
  program
    .addOption(new Option('--url <url>', 'server base URL').env('AGENT_SYNC_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'bearer token (tok_, room_, view_, as_ …); default: the one `agent-sync login` stored for --url').env('AGENT_SYNC_TOKEN'))
    .option('--json', 'print JSON for scripts instead of text')
    .option('--no-wait-for-approval', 'when a call is refused with scope_denied, print the approval link and stop instead of waiting')
    .addOption(new Option('--approval-timeout <seconds>', 'how long to wait for an approval (retrying every 2 s) before giving up').argParser(seconds).default(300));
}

export async function connect(cmd: Command): Promise<{ client: AgentSyncClient; out: Out }> {
  const o = cmd.optsWithGlobals<GlobalOptions>();
  const out = stdio(Boolean(o.json));
  const token = o.token || (await loggedInToken(o.url));
  const client = new AgentSyncClient({
    baseUrl: o.url,
    token,
    onElevationRequired: elevationWaiter(o, out),
    elevationRetries: Math.ceil((o.approvalTimeout * 1000) / ELEVATION_POLL_MS) + 1,
  });
  return { client, out };
}

/** The stored access token for `url`, refreshed first when it expires within a minute; undefined when not logged in. */
export async function loggedInToken(url: string): Promise<string | undefined> {
  const login = storedLogin(url);
  if (!login) return undefined;
  if (isFresh(login)) return login.access_token;
  return withCredentialsLock(async () => {
    // Another command may have refreshed it while this one waited for the lock.
    const current = storedLogin(url);
    if (!current) return undefined;
    if (isFresh(current)) return current.access_token;
    try {
      const grant = await new AgentSyncClient({ baseUrl: url }).refreshToken(current.refresh_token);
      saveLogin(url, loginFromGrant(grant));
      return grant.access_token;
    } catch (error) {
      if (isAgentSyncError(error, 'invalid_grant')) {
        saveLogin(url, null);
        throw new Error(`the stored login for ${url} has expired or was revoked; run agent-sync login again`);
      }
      throw error;
    }
  });
}

function elevationWaiter(o: GlobalOptions, out: Out): (url: string, error: AgentSyncError, attempt: number) => Promise<boolean> {
  let deadline = 0;
  return async (link, error, attempt) => {
    if (attempt === 1) {
      deadline = Date.now() + o.approvalTimeout * 1000;
      out.error(`agent-sync: ${error.code}: ${error.message}`);
      out.error(`agent-sync: to grant access, open ${link}`);
      if (o.waitForApproval && o.approvalTimeout > 0) out.error(`agent-sync: waiting up to ${o.approvalTimeout} s for the approval (--no-wait-for-approval to stop at once)…`);
    }
    if (!o.waitForApproval || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ELEVATION_POLL_MS, deadline - Date.now())));
    return true;
  };
}
