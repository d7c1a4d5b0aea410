// Gray: client-side encryption of pscale content (bsp-beach §5). The beach only ever sees a
// spine-legal envelope; the keys derive from an enc secret that never leaves the caller.
export { toBase64, fromBase64, utf8, fromUtf8, type RandomBytes } from './codec.js';
export { secretboxSeal, secretboxOpen, boxBeforeNm, boxSeal, boxOpen, NONCE_BYTES, KEY_BYTES } from './nacl.js';
export {
  deriveKeypair,
  deriveSeed,
  keypairFromSeed,
  derivationSalt,
  publicKeysOf,
  publishedKeysNode,
  readPublishedKeys,
  rotationMessage,
  signRotation,
  verifyRotation,
  PUBLISHED_KEYS_NOTE,
  type Keypair,
  type PublicKeys,
} from './keys.js';
export { isGrayEnvelope, grayMode, plaintextOf, envelope, GRAY_NOTES, type GrayMode } from './envelope.js';
export {
  memoDerive,
  sealSelf,
  openSelf,
  sealGrain,
  openGrain,
  publicKeyBytes,
  KEYRING_MARK,
  isGroupBlock,
  newGroupKey,
  buildKeyring,
  keyringEntries,
  keyringHandles,
  unwrapGroupKey,
  MAX_GROUP_MEMBERS,
  sealGroup,
  openGroup,
  rotateGroup,
  decryptTree,
  UNREADABLE,
  type Derive,
  type Member,
  type Openers,
} from './modes.js';
