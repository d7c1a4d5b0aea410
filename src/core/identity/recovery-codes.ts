// Recovery codes (sync-auth §1.6 with §11 item 12 fixed): a signed-in user creates at most three
// live `recover_…` codes (90 days, only the hash stored); a code is exchanged for a short
// `recovery` session that can do nothing but register one passkey for its user. The code is bound
// to that session server-side and marked used when the passkey is registered, so no client can
// name which code gets consumed. The operator may issue one too (a user created by the CLI has no
// passkey yet: the code is how they enrol their first).
import { SyncError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Credentials } from '../ports/credentials.js';
import type { IdSource } from '../ports/id-source.js';
import type { IdentityStore, RecoveryCodeRecord } from '../ports/identity-store.js';
import type { IdentityService } from './identity-service.js';

export const RECOVERY_CODE_TTL_S = 90 * 86_400;
export const MAX_LIVE_RECOVERY_CODES = 3;

export interface RecoveryDeps {
  store: IdentityStore;
  clock: Clock;
  credentials: Credentials;
  ids: IdSource;
  identity: IdentityService;
}

export interface RecoveryCodeView {
  id: string;
  created_at: string;
  expires_at: string;
  used: boolean;
  expired: boolean;
}

export interface CreatedRecoveryCode extends RecoveryCodeView {
  code: string;
  warning: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class RecoveryCodes {
  constructor(private readonly deps: RecoveryDeps) {}

  private view(row: RecoveryCodeRecord): RecoveryCodeView {
    const now = this.deps.clock.now();
    return { id: row.id, created_at: iso(row.createdAt), expires_at: iso(row.expiresAt), used: row.usedAt !== null, expired: row.expiresAt <= now };
  }

  /** A new code for a user, shown once; refused past three live ones. */
  async create(userId: string): Promise<CreatedRecoveryCode> {
    const now = this.deps.clock.now();
    await this.deps.store.dropDeadRecoveryCodes(userId, now);
    const minted = this.deps.credentials.mint('recover_');
    // One row per (user, slot): two racing creations cannot both take the last free slot.
    for (let slot = 0; slot < MAX_LIVE_RECOVERY_CODES; slot++) {
      const row: RecoveryCodeRecord = {
        id: this.deps.ids.uuid(), userId, hash: minted.hash, slot, createdAt: now, expiresAt: now + RECOVERY_CODE_TTL_S * 1000, usedAt: null, sessionHash: null,
      };
      if (await this.deps.store.addRecoveryCode(row)) {
        return { ...this.view(row), code: minted.token, warning: 'Store this recovery code safely: it is shown only now.' };
      }
    }
    throw new SyncError('recovery_limit', `A user may hold at most ${MAX_LIVE_RECOVERY_CODES} live recovery codes; revoke one first.`, { max: MAX_LIVE_RECOVERY_CODES });
  }

  /** A user's codes, metadata only (never a secret or its hash). */
  async list(userId: string): Promise<{ recovery_codes: RecoveryCodeView[] }> {
    return { recovery_codes: (await this.deps.store.recoveryCodesOf(userId)).map((r) => this.view(r)) };
  }

  async revoke(userId: string, id: string): Promise<{ revoked: true; id: string }> {
    if (!(await this.deps.store.removeRecoveryCode(userId, id))) throw new SyncError('recovery_code_not_found', 'You have no recovery code with that id.', { id });
    return { revoked: true, id };
  }

  /** Exchange a code for a recovery session (the code stays unused until a passkey is registered). */
  async redeem(code: unknown): Promise<{ secret: string; expiresAt: number; username: string }> {
    const invalid = () => new SyncError('recovery_code_invalid', 'The recovery code is unknown, expired or already used.');
    if (typeof code !== 'string' || !code.startsWith('recover_') || code.length > 100) throw invalid();
    const row = await this.deps.store.recoveryCodeByHash(this.deps.credentials.hash(code.trim()));
    if (!row || row.usedAt !== null || row.expiresAt <= this.deps.clock.now()) throw invalid();
    const user = await this.deps.store.userById(row.userId);
    if (!user) throw invalid();
    const session = await this.deps.identity.startSession(row.userId, 'recovery');
    // Binding replaces an earlier binding: only the newest recovery session of a code can use it.
    if (!(await this.deps.store.bindRecoveryCode(row.id, this.deps.credentials.hash(session.secret)))) {
      await this.deps.identity.endSession(session.secret);
      throw invalid();
    }
    return { ...session, username: user.username };
  }
}
