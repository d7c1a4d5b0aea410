// A software WebAuthn authenticator for server tests without a browser: P-256 keys, "none"
// attestation, a signature counter. It answers the server's options with the JSON that
// @simplewebauthn/browser would send, and lets a test tamper with any part of it.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export interface SoftCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  counter: number;
}

export interface ClientDataOverrides {
  origin?: string;
  type?: string;
  challenge?: string;
}

function clientData(type: string, challenge: string, origin: string, over: ClientDataOverrides): Buffer {
  return Buffer.from(JSON.stringify({ type: over.type ?? type, challenge: over.challenge ?? challenge, origin: over.origin ?? origin, crossOrigin: false }));
}

function authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
}

/** Create a passkey for registration options (`options.rp.id`, `options.challenge`, `options.user.id`). */
export function softRegister(options: Record<string, any>, origin: string, over: ClientDataOverrides = {}): { credential: SoftCredential; response: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([
    [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
  ]));
  const id = randomBytes(16);
  const idLen = Buffer.alloc(2);
  idLen.writeUInt16BE(id.length);
  const rpId = String(options.rp.id);
  const data = authData(rpId, 0x45, 0, Buffer.concat([Buffer.alloc(16), idLen, id, Buffer.from(cose)]));
  const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', data]]) as never);
  const credential: SoftCredential = { id: b64url(id), rpId, userHandle: String(options.user.id), privateKey, counter: 0 };
  return {
    credential,
    response: {
      id: credential.id, rawId: credential.id, type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientData('webauthn.create', options.challenge, origin, over)), attestationObject: b64url(attestationObject), transports: ['internal'] },
    },
  };
}

/** Sign authentication options with a credential; the counter goes up unless `counter` is given. */
export function softAuthenticate(credential: SoftCredential, options: Record<string, any>, origin: string, over: ClientDataOverrides & { counter?: number; userHandle?: string | null } = {}): Record<string, unknown> {
  credential.counter = over.counter ?? credential.counter + 1;
  const data = authData(credential.rpId, 0x05, credential.counter);
  const client = clientData('webauthn.get', options.challenge, origin, over);
  const signature = createSign('sha256').update(Buffer.concat([data, sha256(client)])).sign(credential.privateKey);
  const userHandle = over.userHandle === undefined ? credential.userHandle : over.userHandle;
  return {
    id: credential.id, rawId: credential.id, type: 'public-key', clientExtensionResults: {},
    response: { clientDataJSON: b64url(client), authenticatorData: b64url(data), signature: b64url(signature), ...(userHandle === null ? {} : { userHandle }) },
  };
}
