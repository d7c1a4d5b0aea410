// The WebAuthn port over @simplewebauthn/server (v13). The relying party comes from the one public
// URL (its host is the RP ID, its origin the only expected origin), never from a request's Host
// header. Attestation none, resident key and user verification preferred (sync-auth §1.1); a
// response the library refuses, or one too malformed to read, is null (the caller says 400).
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { JsonObject } from '../../core/json.js';
import type { PasskeyRecord } from '../../core/ports/identity-store.js';
import type { CeremonyOptions, RegistrationRequest, VerifiedAuthentication, VerifiedRegistration, WebAuthn } from '../../core/ports/webauthn.js';

export const RP_NAME = 'agent-sync';
const TIMEOUT_MS = 300_000;

const transports = (list: readonly string[]) => list as AuthenticatorTransportFuture[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The relying party of a public URL: its host name and its origin. */
export function relyingParty(publicUrl: string): { rpId: string; origin: string } {
  const url = new URL(publicUrl);
  return { rpId: url.hostname, origin: url.origin };
}

export function simpleWebAuthn(publicUrl: () => string): WebAuthn {
  return {
    async registrationOptions(request: RegistrationRequest): Promise<CeremonyOptions> {
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: relyingParty(publicUrl()).rpId,
        userName: request.username,
        userID: new TextEncoder().encode(request.userId),
        attestationType: 'none',
        excludeCredentials: request.exclude.map((p) => ({ id: p.id, transports: transports(p.transports) })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
        timeout: TIMEOUT_MS,
      });
      return { options: options as unknown as JsonObject, challenge: options.challenge };
    },

    async authenticationOptions(): Promise<CeremonyOptions> {
      const options = await generateAuthenticationOptions({ rpID: relyingParty(publicUrl()).rpId, userVerification: 'preferred', timeout: TIMEOUT_MS });
      return { options: options as unknown as JsonObject, challenge: options.challenge };
    },

    async verifyRegistration(response: unknown, challenge: string): Promise<VerifiedRegistration | null> {
      if (!isObject(response)) return null;
      const { rpId, origin } = relyingParty(publicUrl());
      try {
        const result = await verifyRegistrationResponse({
          response: response as unknown as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId,
          requireUserVerification: false,
        });
        if (!result.verified) return null;
        const info = result.registrationInfo;
        return {
          credentialId: info.credential.id,
          publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: (info.credential.transports ?? []).filter((t) => typeof t === 'string').slice(0, 10),
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
        };
      } catch {
        return null;
      }
    },

    async verifyAuthentication(response: unknown, challenge: string, passkey: PasskeyRecord): Promise<VerifiedAuthentication | null> {
      if (!isObject(response)) return null;
      const { rpId, origin } = relyingParty(publicUrl());
      try {
        const result = await verifyAuthenticationResponse({
          response: response as unknown as AuthenticationResponseJSON, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId,
          credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: transports(passkey.transports) },
          requireUserVerification: false,
        });
        if (!result.verified) return null;
        return { newCounter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp };
      } catch {
        return null;
      }
    },
  };
}
