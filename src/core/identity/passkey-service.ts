// Passkeys (sync-auth §1.1–1.4 with §11 items 12 and 27 fixed): the registration and sign-in
// ceremonies, listing and removal. Challenges live in the identity store, typed, expiring after
// five minutes and taken by the first verify attempt whatever its outcome. A registration
// challenge carries the account it was issued for (a new account's id and username, or the
// session's user): verify never takes a user id or username from the client. WebAuthn itself is
// a port (the server wraps @simplewebauthn/server, with the RP ID and origin of the public URL).
import { SyncError, quote } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { IdSource } from '../ports/id-source.js';
import type { ChallengeKind, ChallengeRecord, IdentityStore, PasskeyRecord, SessionKind } from '../ports/identity-store.js';
import type { WebAuthn } from '../ports/webauthn.js';
import { normaliseUsername, type IdentityService } from './identity-service.js';

export const CHALLENGE_TTL_S = 300;
const NAME_MAX = 64;

export interface PasskeyDeps {
  store: IdentityStore;
  clock: Clock;
  credentials: Credentials;
  ids: IdSource;
  webauthn: WebAuthn;
  identity: IdentityService;
  /** Whether a visitor without a session may create an account (docs/decisions.md). */
  registrationOpen: () => boolean;
}

/** A live session of either kind, as the ceremonies see it. */
export interface SessionRef {
  hash: string;
  userId: string;
  kind: SessionKind;
}

export interface PasskeyView {
  id: string;
  name: string | null;
  created_at: string;
  last_used_at: string | null;
  backed_up: boolean;
}

/** A ceremony that ends signed in: the session secret is for the cookie, never the body. */
export interface SignedIn {
  session: { secret: string; expiresAt: number };
  user: { id: string; username: string };
}

/** A registration: the new passkey, its user, and a session when it signs someone in (new account, recovery). */
export interface RegistrationOutcome {
  passkey: PasskeyView;
  user: { id: string; username: string };
  session: SignedIn['session'] | null;
}

/** WebAuthn user.id is the bytes of our (ASCII) user id; the browser returns it base64url-encoded. */
export const base64url = (ascii: string): string => btoa(ascii).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const invalidChallenge = () => new SyncError('invalid_challenge', 'The challenge is unknown, expired, already used or of another ceremony; start again.');
const rejected = (why: string) => new SyncError('passkey_rejected', `The passkey response was not accepted: ${why}.`);

function fieldsOnly(body: JsonObject, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new SyncError('invalid_body', `${what} takes ${allowed.join(', ')}; ${quote(unknown)} is not one of them.`, { field: unknown });
}

function challengeId(body: JsonObject): string {
  const id = body.challengeId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) throw new SyncError('invalid_body', 'challengeId must be the id the options call returned.', { field: 'challengeId' });
  return id;
}

function passkeyName(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || raw.trim().length === 0 || raw.length > NAME_MAX) throw new SyncError('invalid_body', `name must be 1–${NAME_MAX} characters.`, { field: 'name' });
  return raw.trim();
}

export class PasskeyService {
  constructor(private readonly deps: PasskeyDeps) {}

  private now(): number {
    return this.deps.clock.now();
  }

  private view(p: PasskeyRecord): PasskeyView {
    return { id: p.id, name: p.name, created_at: iso(p.createdAt)!, last_used_at: iso(p.lastUsedAt), backed_up: p.backedUp };
  }

  /** The live session (user or recovery) behind a cookie secret, or null. */
  async sessionOf(secret: string | undefined): Promise<SessionRef | null> {
    if (!secret || secret.length > 200) return null;
    const hash = this.deps.credentials.hash(secret);
    const row = await this.deps.store.session(hash);
    if (!row || row.revokedAt !== null || row.expiresAt <= this.now()) return null;
    return { hash, userId: row.userId, kind: row.kind };
  }

  private async issue(kind: ChallengeKind, options: { challenge: string; options: JsonObject }, bound: Pick<ChallengeRecord, 'userId' | 'username' | 'newUser' | 'sessionHash'>) {
    const id = this.deps.ids.uuid();
    const now = this.now();
    await this.deps.store.createChallenge({ id, kind, challenge: options.challenge, ...bound, createdAt: now, expiresAt: now + CHALLENGE_TTL_S * 1000 });
    return { options: options.options, challengeId: id };
  }

  /**
   * Registration options: with no session, for a new account named `username`; with a user
   * session, another passkey for that user; with a recovery session, the recovering user's new passkey.
   */
  async registrationOptions(body: JsonObject, session: SessionRef | null): Promise<{ options: JsonObject; challengeId: string }> {
    fieldsOnly(body, ['username'], 'POST /webauthn/register/options');
    if (session) {
      const user = await this.deps.store.userById(session.userId);
      if (!user) throw new SyncError('authentication_required', 'The session\'s user no longer exists; sign in again.');
      if (body.username !== undefined && normaliseUsername(body.username) !== user.username) {
        throw new SyncError('identity_mismatch', 'You are signed in as another user: sign out to create a new account.', { username: user.username });
      }
      const exclude = (await this.deps.store.passkeysOf(user.id)).map((p) => ({ id: p.id, transports: p.transports }));
      const options = await this.deps.webauthn.registrationOptions({ userId: user.id, username: user.username, exclude });
      const kind = session.kind === 'recovery' ? 'recovery-registration' : 'registration';
      return this.issue(kind, options, { userId: user.id, username: user.username, newUser: false, sessionHash: session.hash });
    }
    const username = normaliseUsername(body.username);
    if (!this.deps.registrationOpen()) {
      throw new SyncError('registration_closed', 'This server does not take new accounts; ask its operator (agent-sync user create, then a recovery code to enrol a passkey).');
    }
    if (await this.deps.store.userByName(username)) throw new SyncError('user_exists', `The username ${quote(username)} is taken; sign in instead.`, { username });
    const userId = this.deps.ids.uuid();
    const options = await this.deps.webauthn.registrationOptions({ userId, username, exclude: [] });
    return this.issue('registration', options, { userId, username, newUser: true, sessionHash: null });
  }

  /** Take a challenge for one attempt: it is gone afterwards, whatever happens next. */
  private async take(body: JsonObject, kinds: readonly ChallengeKind[]): Promise<ChallengeRecord> {
    const row = await this.deps.store.takeChallenge(challengeId(body));
    if (!row || !kinds.includes(row.kind) || row.expiresAt <= this.now()) throw invalidChallenge();
    return row;
  }

  async verifyRegistration(body: JsonObject, session: SessionRef | null): Promise<RegistrationOutcome> {
    fieldsOnly(body, ['challengeId', 'response', 'name', 'userId', 'username'], 'POST /webauthn/register/verify');
    const challenge = await this.take(body, ['registration', 'recovery-registration']);
    // Older clients echo the user id and username: they must be the challenge's own.
    if ((body.userId !== undefined && body.userId !== challenge.userId) || (body.username !== undefined && body.username !== challenge.username)) {
      throw new SyncError('identity_mismatch', 'The user id or username is not the one the challenge was issued for.');
    }
    if (challenge.sessionHash !== null && (!session || session.hash !== challenge.sessionHash)) {
      throw new SyncError('authentication_required', 'This challenge belongs to a session this request does not carry.');
    }
    const name = passkeyName(body.name);
    const verified = await this.deps.webauthn.verifyRegistration(body.response, challenge.challenge);
    if (!verified) throw rejected('the registration did not verify');
    const userId = challenge.userId!;
    const now = this.now();
    if (challenge.kind === 'recovery-registration') {
      // The code bound to this very session is used now, once; a second racing attempt finds none.
      if (!(await this.deps.store.useRecoveryCode(session!.hash, now))) throw new SyncError('recovery_code_invalid', 'The recovery code was already used, expired or revoked.');
    } else if (challenge.newUser) {
      const created = await this.deps.store.createUser({ id: userId, username: challenge.username!, createdAt: now });
      if (!created) throw new SyncError('user_exists', `The username ${quote(challenge.username)} was taken meanwhile; choose another.`, { username: challenge.username });
    }
    const record: PasskeyRecord = {
      id: verified.credentialId, userId, publicKey: verified.publicKey, counter: verified.counter, transports: verified.transports,
      deviceType: verified.deviceType, backedUp: verified.backedUp, name, createdAt: now, lastUsedAt: null,
    };
    if (!(await this.deps.store.addPasskey(record))) throw rejected('this passkey is already registered');
    const user = (await this.deps.store.userById(userId))!;
    const outcome = { passkey: this.view(record), user: { id: user.id, username: user.username } };
    if (challenge.kind === 'registration' && !challenge.newUser) return { ...outcome, session: null };
    if (challenge.kind === 'recovery-registration') await this.deps.store.revokeSession(session!.hash, now);
    return { ...outcome, session: await this.deps.identity.startSession(userId) };
  }

  /** Sign-in options for a discoverable credential (no username asked). */
  async authenticationOptions(body: JsonObject): Promise<{ options: JsonObject; challengeId: string }> {
    fieldsOnly(body, [], 'POST /webauthn/authenticate/options');
    const options = await this.deps.webauthn.authenticationOptions();
    return this.issue('authentication', options, { userId: null, username: null, newUser: false, sessionHash: null });
  }

  async verifyAuthentication(body: JsonObject): Promise<SignedIn> {
    fieldsOnly(body, ['challengeId', 'response'], 'POST /webauthn/authenticate/verify');
    const challenge = await this.take(body, ['authentication']);
    const response = body.response;
    const credentialId = typeof response === 'object' && response !== null && !Array.isArray(response) ? (response as JsonObject).id : undefined;
    if (typeof credentialId !== 'string' || credentialId.length > 1024) throw rejected('it names no credential');
    const passkey = await this.deps.store.passkey(credentialId);
    if (!passkey) throw rejected('this passkey is not registered here');
    const userHandle = (response as { response?: { userHandle?: unknown } }).response?.userHandle;
    if (userHandle !== undefined && userHandle !== null && userHandle !== base64url(passkey.userId)) throw rejected('the passkey belongs to another user');
    const verified = await this.deps.webauthn.verifyAuthentication(response, challenge.challenge, passkey);
    if (!verified) throw rejected('the signature or counter did not verify');
    await this.deps.store.touchPasskey(passkey.id, verified.newCounter, this.now());
    const user = await this.deps.store.userById(passkey.userId);
    if (!user) throw rejected('its user no longer exists');
    return { session: await this.deps.identity.startSession(user.id), user: { id: user.id, username: user.username } };
  }

  async list(userId: string): Promise<{ passkeys: PasskeyView[] }> {
    return { passkeys: (await this.deps.store.passkeysOf(userId)).map((p) => this.view(p)) };
  }

  /**
   * Remove one of the user's own passkeys; never the last one (it would lock the account out).
   * Racing removals of the last two: whoever finds none left puts theirs back, so one always stays.
   */
  async remove(userId: string, id: string): Promise<{ removed: true; id: string }> {
    const notFound = () => new SyncError('passkey_not_found', 'You have no passkey with that id.', { id: id.slice(0, 100) });
    const lastOne = () => new SyncError('last_passkey', 'This is your only passkey: add another one before removing it.', { id });
    const mine = await this.deps.store.passkeysOf(userId);
    const target = mine.find((p) => p.id === id);
    if (!target) throw notFound();
    if (mine.length === 1) throw lastOne();
    if (!(await this.deps.store.removePasskey(userId, id))) throw notFound();
    if ((await this.deps.store.passkeysOf(userId)).length === 0) {
      await this.deps.store.addPasskey(target);
      throw lastOne();
    }
    return { removed: true, id };
  }
}
