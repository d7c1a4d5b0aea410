// The browser half of the passkey ceremonies: options from the server, the WebAuthn call through
// @simplewebauthn/browser (bundled, no CDN), the response back to the server, which sets the
// HttpOnly session cookie. Plus the one rule for where a page may send a visitor afterwards.
import { startAuthentication, startRegistration, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { AgentSyncClient } from '../../client/index.js';
import type { Authenticated, Registered } from '../../protocol/wire/passkeys.js';

/** Register a passkey: a new account (`username`, signed out) or another one for the session's user. */
export async function registerPasskey(client: AgentSyncClient, input: { username?: string; name?: string } = {}): Promise<Registered> {
  const { options, challengeId } = await client.passkeyRegistrationOptions(input.username === undefined ? {} : { username: input.username });
  const response = await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON });
  return client.passkeyRegistrationVerify({ challengeId, response, ...(input.name ? { name: input.name } : {}) });
}

/** Sign in with any passkey this browser holds for the server (discoverable credential). */
export async function signInWithPasskey(client: AgentSyncClient): Promise<Authenticated> {
  const { options, challengeId } = await client.passkeySignInOptions();
  const response = await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON });
  return client.passkeySignInVerify({ challengeId, response });
}

export const DEFAULT_NEXT = '/manage';

/**
 * Where to go after signing in: `next` only when it is a path on this origin (starts with one `/`,
 * not `//` or `/\`, no whitespace or control characters a browser would strip), else `/manage`.
 */
export function safeNext(raw: string | null, origin = location.origin): string {
  if (raw === null || !/^\/(?![/\\])/.test(raw) || /[\s\\]/.test(raw) || [...raw].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return DEFAULT_NEXT;
  try {
    const url = new URL(raw, origin);
    return url.origin === origin ? url.pathname + url.search + url.hash : DEFAULT_NEXT;
  } catch {
    return DEFAULT_NEXT;
  }
}

/** A readable sentence for a failed ceremony (the user cancelled, or the server refused). */
export function ceremonyError(error: unknown): string {
  if (error instanceof Error && error.name === 'NotAllowedError') return 'The passkey prompt was cancelled or timed out.';
  if (error instanceof Error && error.name === 'InvalidStateError') return 'This authenticator already holds a passkey for this account.';
  return error instanceof Error ? error.message : String(error);
}
