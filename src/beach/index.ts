// The pure beach engine (issue 12): pscale blocks, addresses, shaped reads and writes, locks, append,
// sed: registration and grain: reach. No I/O, no clock: callers pass `now` and the origin in.
export { BeachError, InvalidAddressError, type BeachCode } from './errors.js';
export { type Block, semantic, floorDepth, hasFloor, hiddenDirectory, isSpineKey, digitChildren } from './block.js';
export { parseAddress, parseSpindle, formatAddress, fullWidthAddress, pscaleAt, depthAt, type Digits, type Labeller } from './address.js';
export { floorOf, walkedOf, pscaleOf, ancestorsOf } from './pscale-number.js';
export { bspRead, type ReadResult, type ReadOptions, type WalkEntry, type DiscEntry } from './read.js';
export { formatRead, formatReadError, formatWrite } from './render.js';
export { bspWrite, type ClientWriteResult, type WriteShape } from './client-write.js';
export { validateShape } from './shape-gate.js';
export { placeAt } from './place.js';
export { walk } from './walk.js';
export { MAX_CONTENT_DEPTH } from './shape-gate.js';
export { appendAtRoot, appendAtNode } from './append.js';
export { zeroFreePath, zeroFreePaths, firstFreeSlot, owedSummaries, type OwedSummary } from './zero-free.js';
export { ordinaryLockHash, sedLockHash, grainLockHash, lockHash } from './salts.js';
export { lockKeyForWrite, referenceLockKey, resolveAuthority, type LockMap, type Authority } from './lock-key.js';
export { blockKind, isSubstrate, type BlockKind } from './block-kind.js';
export { defaultIdentity } from './identity.js';
export { nextSedPosition } from './sed.js';
export { type WindowState } from './resolution.js';
export { applyPost, type PostRequest } from './engine.js';
export { applyGet, type GetRequest } from './read-request.js';
export { applyDelete } from './delete-request.js';
export { surfaceIndex } from './surface-index.js';
export type { BlockRecord, EngineContext, EngineEffects, EngineResult } from './record.js';
