// Where `agent-sync login` keeps its tokens: one JSON file in the user's config directory
// ($XDG_CONFIG_HOME/agent-sync, else ~/.config/agent-sync), the directory 0700 and the file 0600,
// replaced atomically (write a temporary file beside it, then rename), one entry per server URL.
// A refresh happens under a lock file, so two commands started together do not both spend the
// same refresh token — the second would be a replay, which revokes the whole family.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TokenGrant } from '../client/index.js';

export interface StoredLogin {
  access_token: string;
  refresh_token: string;
  scope: string;
  /** When the access token expires (ISO); it is refreshed a minute before. */
  expires_at: string;
  obtained_at: string;
}

interface CredentialsFile {
  version: 1;
  servers: Record<string, StoredLogin>;
}

/** Refresh this long before the access token's expiry (clock skew, a slow request). */
export const REFRESH_MARGIN_MS = 60_000;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config'), 'agent-sync');
}

export const credentialsPath = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'credentials.json');

/** One key per server: the URL's origin and path, without a trailing slash. */
export function serverKey(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not a URL (e.g. https://sync.example.org)`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function readFile(): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(credentialsPath(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialsFile>;
    if (parsed && typeof parsed.servers === 'object' && parsed.servers !== null && !Array.isArray(parsed.servers)) return { version: 1, servers: parsed.servers };
  } catch {
    /* reported below */
  }
  throw new Error(`${credentialsPath()} is not a credentials file; remove it and run agent-sync login again`);
}

function writeFileAtomically(file: CredentialsFile): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const target = credentialsPath();
  const temporary = join(dir, `.credentials.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
}

export function storedLogin(url: string): StoredLogin | null {
  const servers = readFile().servers;
  const key = serverKey(url);
  return Object.hasOwn(servers, key) ? servers[key]! : null;
}

/** Store (or, with null, forget) the login for a server; other servers' entries stay. */
export function saveLogin(url: string, login: StoredLogin | null): void {
  const file = readFile();
  const servers: Record<string, StoredLogin> = {};
  for (const [key, value] of Object.entries(file.servers)) if (key !== serverKey(url)) servers[key] = value;
  if (login) servers[serverKey(url)] = login;
  writeFileAtomically({ version: 1, servers });
}

export function loginFromGrant(grant: TokenGrant, now = Date.now()): StoredLogin {
  return {
    access_token: grant.access_token,
    refresh_token: grant.refresh_token,
    scope: grant.scope,
    expires_at: new Date(now + grant.expires_in * 1000).toISOString(),
    obtained_at: new Date(now).toISOString(),
  };
}

export const isFresh = (login: StoredLogin, now = Date.now()) => Date.parse(login.expires_at) - REFRESH_MARGIN_MS > now;

/** Run `fn` holding the credentials lock (a file made with O_EXCL; a lock older than 30 s is stale). */
export async function withCredentialsLock<T>(fn: () => Promise<T>): Promise<T> {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = join(dir, 'credentials.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statMs(lock) ?? Date.now());
      if (age > LOCK_STALE_MS) unlinkQuietly(lock);
      else if (Date.now() > deadline) throw new Error(`another agent-sync command holds ${lock}; remove it if none runs`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await fn();
  } finally {
    unlinkQuietly(lock);
  }
}

function statMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
