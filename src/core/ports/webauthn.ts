// What the passkey ceremonies need of a WebAuthn library (the server wraps @simplewebauthn/server):
// options to send to the browser and verification of what the browser sends back. The relying
// party (RP ID, expected origin) is the adapter's, fixed from the public URL. Responses arrive as
// untrusted JSON; a response the library cannot verify is `null`, never an exception.
import type { JsonObject } from '../json.js';
import type { PasskeyRecord } from './identity-store.js';

export interface RegistrationRequest {
  userId: string;
  username: string;
  /** The user's passkeys, so an authenticator does not register twice. */
  exclude: Array<{ id: string; transports: string[] }>;
}

export interface CeremonyOptions {
  /** PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON, for @simplewebauthn/browser. */
  options: JsonObject;
  /** The challenge inside the options (base64url), kept server-side. */
  challenge: string;
}

export interface VerifiedRegistration {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string | null;
  backedUp: boolean;
}

export interface VerifiedAuthentication {
  newCounter: number;
  backedUp: boolean;
}

export interface WebAuthn {
  registrationOptions(request: RegistrationRequest): Promise<CeremonyOptions>;
  authenticationOptions(): Promise<CeremonyOptions>;
  verifyRegistration(response: unknown, challenge: string): Promise<VerifiedRegistration | null>;
  /** Checks the signature with the stored key and the counter (a cloned authenticator is refused). */
  verifyAuthentication(response: unknown, challenge: string, passkey: PasskeyRecord): Promise<VerifiedAuthentication | null>;
}
