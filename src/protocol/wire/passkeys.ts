// Passkeys (WebAuthn ceremonies), sign-out and recovery codes (sync-auth §1 with §11 items 12, 27
// fixed). The session secret never appears here: the ceremonies set the HttpOnly cookie. Pure data.
import { z } from 'zod';
import { Timestamp } from './common.js';

const ChallengeId = z.string().min(1).max(100).describe('the id the options call returned');
const WebAuthnJson = z.looseObject({}).describe('the JSON @simplewebauthn/browser produces');
const SignedInUser = z.strictObject({ id: z.string(), username: z.string() });

export const RegisterOptionsBody = z.strictObject({
  username: z.string().max(200).optional().describe('a new account\'s name (without a session); with a session the passkey is added to the signed-in user'),
}).meta({ id: 'RegisterOptionsBody' });

export const AuthenticateOptionsBody = z.strictObject({}).meta({ id: 'AuthenticateOptionsBody' });

export const CeremonyOptions = z.strictObject({
  options: z.looseObject({ challenge: z.string() }).describe('PublicKeyCredentialCreationOptionsJSON or RequestOptionsJSON'),
  challengeId: ChallengeId,
}).meta({ id: 'CeremonyOptions' });
export type CeremonyOptions = z.infer<typeof CeremonyOptions>;

export const RegisterVerifyBody = z.strictObject({
  challengeId: ChallengeId,
  response: WebAuthnJson,
  name: z.string().max(64).optional().describe('a label for the passkey'),
  userId: z.string().optional().describe('ignored unless it differs from the challenge\'s (then 403 identity_mismatch)'),
  username: z.string().optional().describe('ignored unless it differs from the challenge\'s (then 403 identity_mismatch)'),
}).meta({ id: 'RegisterVerifyBody' });

export const PasskeyInfo = z.strictObject({
  id: z.string().describe('the WebAuthn credential id (base64url)'),
  name: z.string().nullable(),
  created_at: Timestamp,
  last_used_at: Timestamp.nullable(),
  backed_up: z.boolean(),
}).meta({ id: 'PasskeyInfo' });
export type PasskeyInfo = z.infer<typeof PasskeyInfo>;

export const Registered = z.strictObject({
  verified: z.literal(true),
  signed_in: z.boolean().describe('true when this registration started a session (a new account, or a recovery)'),
  user: SignedInUser,
  passkey: PasskeyInfo,
}).meta({ id: 'Registered' });
export type Registered = z.infer<typeof Registered>;

export const AuthenticateVerifyBody = z.strictObject({ challengeId: ChallengeId, response: WebAuthnJson }).meta({ id: 'AuthenticateVerifyBody' });
export const Authenticated = z.strictObject({ verified: z.literal(true), user: SignedInUser }).meta({ id: 'Authenticated' });
export type Authenticated = z.infer<typeof Authenticated>;

export const SignedOut = z.strictObject({ signed_out: z.literal(true) }).meta({ id: 'SignedOut' });
export type SignedOut = z.infer<typeof SignedOut>;

export const PasskeyList = z.strictObject({ passkeys: z.array(PasskeyInfo) }).meta({ id: 'PasskeyList' });
export type PasskeyList = z.infer<typeof PasskeyList>;
export const RemovedPasskey = z.strictObject({ removed: z.literal(true), id: z.string() }).meta({ id: 'RemovedPasskey' });
export type RemovedPasskey = z.infer<typeof RemovedPasskey>;

export const RecoveryCodeInfo = z.strictObject({
  id: z.string(),
  created_at: Timestamp,
  expires_at: Timestamp,
  used: z.boolean(),
  expired: z.boolean(),
}).meta({ id: 'RecoveryCodeInfo' });
export type RecoveryCodeInfo = z.infer<typeof RecoveryCodeInfo>;
export const CreatedRecoveryCode = RecoveryCodeInfo.extend({
  code: z.string().startsWith('recover_').describe('the secret, shown once'),
  warning: z.string(),
}).meta({ id: 'CreatedRecoveryCode' });
export type CreatedRecoveryCode = z.infer<typeof CreatedRecoveryCode>;
export const RecoveryCodeList = z.strictObject({ recovery_codes: z.array(RecoveryCodeInfo) }).meta({ id: 'RecoveryCodeList' });
export type RecoveryCodeList = z.infer<typeof RecoveryCodeList>;
export const RevokedRecoveryCode = z.strictObject({ revoked: z.literal(true), id: z.string() }).meta({ id: 'RevokedRecoveryCode' });
export type RevokedRecoveryCode = z.infer<typeof RevokedRecoveryCode>;

export const RecoverBody = z.strictObject({ code: z.string().max(100).describe('a recovery code, recover_…') }).meta({ id: 'RecoverBody' });
export const Recovering = z.strictObject({
  recovering: z.literal(true),
  username: z.string(),
  expires_at: Timestamp.describe('the recovery session ends then; it can only register a passkey'),
}).meta({ id: 'Recovering' });
export type Recovering = z.infer<typeof Recovering>;
