// The one storage conformance suite (D25): every RoomStore adapter runs these cases unchanged,
// each test on a fresh, empty store. Test support: imports vitest, never imported by the server.
import { describe } from 'vitest';
import { perTestStore } from './per-test-store.js';
import type { RoomStore } from '../../../core/ports/room-store.js';
import { atomicityCases } from './atomicity-cases.js';
import { credentialCases } from './credential-cases.js';
import { entryCases } from './entry-cases.js';
import type { StoreContext, StoreFactory, StoreHandle } from './fixtures.js';
import { lockCopyCases } from './lock-copy-cases.js';
import { messageLogCases } from './message-log-cases.js';
import { prototypeNameCases } from './prototype-name-cases.js';
import { readCases } from './read-cases.js';
import { roomCases } from './room-cases.js';

export type { StoreFactory, StoreHandle } from './fixtures.js';

/** A fresh store per test in `describe(title)`, handed to the cases through one context. */
function suite(title: string, factory: StoreFactory, cases: (ctx: StoreContext) => void): void {
  describe(title, () => {
    const handle = perTestStore<StoreHandle>(() => factory.create());
    const ctx: StoreContext = {
      get store(): RoomStore {
        return handle().store;
      },
      get credentials() {
        return this.store.credentials;
      },
    };
    cases(ctx);
  });
}

/**
 * The CredentialStore suite: a credential store is reached through the room store it shares a
 * database with (room commits write its credentials), so it runs on the same factories.
 */
export function runCredentialStoreConformance(factory: StoreFactory): void {
  suite(`CredentialStore conformance: ${factory.name}`, factory, credentialCases);
}

export function runRoomStoreConformance(factory: StoreFactory): void {
  suite(`RoomStore conformance: ${factory.name}`, factory, (ctx) => {
    roomCases(ctx);
    entryCases(ctx);
    messageLogCases(ctx);
    readCases(ctx);
    atomicityCases(ctx);
    lockCopyCases(ctx);
    prototypeNameCases(ctx);
  });
}
